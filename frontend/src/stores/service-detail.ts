import { createEffect, createSignal, onCleanup } from 'solid-js';
import { ApiError } from '../api.ts';
import { storeOf, type AppContext } from '../context.ts';
import { createEventLog, eventService, isServiceRemoval } from '../logic/events.ts';
import { canAny } from '../logic/permissions.ts';
import { progressOf } from '../logic/services.ts';
import type { Event, LogLine, ServiceDetail, ServiceInput, TaskWithHistory } from '../types.ts';
import { createServicesStore, type ServicesStore } from './services.ts';

/** Stored events read per history query and click of "load older". */
export const HISTORY_PAGE = 200;

export type ServiceDetailStore = ReturnType<typeof createServiceDetailStore>;

/**
 * One service (`select` it by id or name): its detail, reloaded on its live events (debounced) and every few
 * seconds while it converges; its stored history; its log tail, polled while shown and followed; and the
 * actions on it. Scale and delete also update the services list store at once.
 */
export const createServiceDetailStore = (
  ctx: AppContext,
  options: {
    services?: Pick<ServicesStore, 'patch' | 'remove'>;
    debounceMs?: number;
    pollMs?: number;
    /** Log lines kept in memory, the newest; older ones are dropped. */
    maxLogLines?: number;
    /** Wait before following again after the server ended the stream; doubled per failure, up to 30 s. */
    reconnectMs?: number;
    /** Lines are handed to the view at most this often (one update per burst, not per line). */
    logFlushMs?: number;
  } = {},
) => {
  const services = options.services ?? storeOf(ctx, createServicesStore);
  const debounceMs = options.debounceMs ?? 250;
  const pollMs = options.pollMs ?? 3000;
  const maxLogLines = options.maxLogLines ?? 2000;
  const reconnectMs = options.reconnectMs ?? 1000;
  const logFlushMs = options.logFlushMs ?? 100;
  const [id, setId] = createSignal('');
  const [detail, setDetail] = createSignal<ServiceDetail | null>(null);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [actionError, setActionError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [replicas, setReplicas] = createSignal('');
  const [logs, setLogs] = createSignal<LogLine[]>([]);
  const [logSearch, setLogSearch] = createSignal('');
  const [logsPaused, setLogsPaused] = createSignal(false);
  const [logState, setLogState] = createSignal<'off' | 'following' | 'paused' | 'error'>('off');
  const [logError, setLogError] = createSignal<string | null>(null);
  const [logsShown, setLogsShown] = createSignal(false);
  const [history, setHistory] = createSignal<readonly Event[]>([]);
  const historyLog = createEventLog(5000);
  let historyFor = '';
  const [tasks, setTasks] = createSignal<TaskWithHistory[] | null>(null);
  const [tasksShown, setTasksShown] = createSignal(false);

  /** The Tasks tab's list: every task list-tasks knows for the service, beyond Docker's five per slot. */
  const loadTasks = async () => {
    const d = detail();
    if (!d) return;
    try {
      const out: TaskWithHistory[] = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.api.listTasks({ service: d.service.id, since: d.service.createdAt, limit: 1000, ...(cursor ? { cursor } : {}) }, { quiet: true });
        out.push(...page.tasks);
        cursor = page.next;
      } while (cursor && out.length < 5000);
      if (detail()?.service.id === d.service.id) setTasks(out);
    } catch {
      // NOTE: the tab falls back to the tasks inspect-service gave (e.g. a server without list-tasks).
      setTasks(null);
    }
  };

  /** The three history queries' cursors towards older events; undefined once a query reached the service's creation. */
  let historyCursors: Array<string | undefined> = [];
  const [historyMore, setHistoryMore] = createSignal(false);

  /**
   * Reads the history newest first, a page per query: the first call the newest events, each later one
   * (`older`) the page before, by each query's `next`. So a busy cluster shows its recent events at once.
   */
  const loadHistory = async (d: ServiceDetail, older = false) => {
    const since = d.service.createdAt;
    const filters = [{ actor: d.service.id }, { type: 'container' }, { type: 'audit' }];
    const cursors = older ? historyCursors : filters.map(() => '');
    // NOTE: settled together, so one failing query (e.g. no events.read) is not an unhandled rejection.
    const queries = await Promise.allSettled(
      filters.map((f, i) =>
        cursors[i] === undefined
          ? Promise.resolve<{ events: Event[]; next?: string }>({ events: [] })
          : ctx.api.listEvents({ ...f, since, limit: HISTORY_PAGE, order: 'desc', ...(cursors[i] ? { cursor: cursors[i] } : {}) }, { quiet: true }),
      ),
    );
    if (historyFor !== d.service.id) return;
    const mine = (e: Event) => {
      const s = eventService(e);
      return e.actor.id === d.service.id || (!!s && (s.id === d.service.id || s.id === d.service.name || s.name === d.service.name));
    };
    // A failed query keeps its cursor, so "load older" tries it again.
    historyCursors = queries.map((q, i) => (q.status === 'fulfilled' ? q.value.next : cursors[i] || undefined));
    setHistoryMore(historyCursors.some((c) => c !== undefined));
    for (const q of queries) if (q.status === 'fulfilled') historyLog.add(q.value.events.filter(mine));
    setHistory(historyLog.items);
  };

  /** Loads the history once per service, as soon as there is a detail and the user holds events.read. */
  const syncHistory = () => {
    const d = detail();
    if (d && historyFor !== d.service.id && canAny(ctx.session.me(), 'events.read')) {
      historyFor = d.service.id;
      void loadHistory(d);
    }
  };
  // NOTE: the effect catches events.read granted while the page is open; load() calls syncHistory itself
  // too, because Solid's server build (the unit tests') never runs effects. Whichever runs second is a no-op.
  createEffect(syncHistory);

  const load = async () => {
    try {
      const d = await ctx.api.inspectService(id(), { quiet: true });
      setDetail(d);
      setLoadError(null);
      if (replicas() === '' || busy() === null) setReplicas(String(d.service.replicas.desired));
      syncHistory();
      if (tasksShown()) void loadTasks();
    } catch (e) {
      setLoadError(e);
    }
  };

  let refetch: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = ctx.live.subscribe((event) => {
    const d = detail();
    const s = eventService(event);
    if (!d || !s || (s.id !== d.service.id && s.name !== d.service.name && s.id !== d.service.name)) return;
    if (historyLog.add([event]) > 0) setHistory(historyLog.items);
    if (isServiceRemoval(event)) {
      setLoadError(new ApiError(404, 'not_found', 'This service was deleted.'));
      return;
    }
    refetch ??= setTimeout(() => {
      refetch = null;
      void load();
    }, debounceMs);
  });
  // NOTE: the engine emits no task events, so a converging service is re-read on a timer.
  const poll = setInterval(() => {
    const d = detail();
    if (d && progressOf(d.service).converging) void load();
  }, pollMs);

  // The Logs tab follows the service's logs (every task's) while shown and not paused. At most maxLogLines
  // are kept: the ring drops the oldest. A stream the server ends (the gateway's timeout) or that fails is
  // followed again from the last line's time; the lines repeated at that time are recognised and skipped.
  let ring: LogLine[] = [];
  let pending: LogLine[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let stream: AbortController | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let lastTime: string | undefined;
  let atLastTime = new Set<string>();

  const flushLogs = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.length === 0) return;
    ring = ring.concat(pending);
    pending = [];
    if (ring.length > maxLogLines) ring = ring.slice(ring.length - maxLogLines);
    setLogs(ring);
  };
  const takeLine = (line: LogLine) => {
    const key = `${line.taskId} ${line.stream} ${line.text}`;
    if (line.time === lastTime) {
      if (atLastTime.has(key)) return;
      atLastTime.add(key);
    } else {
      lastTime = line.time;
      atLastTime = new Set([key]);
    }
    pending.push(line);
    if (pending.length > maxLogLines) pending = pending.slice(pending.length - maxLogLines);
    flushTimer ??= setTimeout(flushLogs, logFlushMs);
  };
  const stopLogs = () => {
    stream?.abort();
    stream = null;
    if (retry) clearTimeout(retry);
    retry = null;
  };
  const followLogs = () => {
    stopLogs();
    if (!logsShown() || !id()) return void setLogState('off');
    if (logsPaused()) return void setLogState('paused');
    const own = new AbortController();
    stream = own;
    setLogState('following');
    setLogError(null);
    const query = lastTime === undefined ? { tail: 200 } : { since: lastTime, tail: 1000 };
    const again = (ms: number) => {
      retry = setTimeout(() => {
        retry = null;
        if (stream === own) followLogs();
      }, ms);
    };
    ctx.api.followServiceLogs(id(), query, (line) => {
      if (stream !== own) return;
      failures = 0;
      takeLine(line);
    }, own.signal).then(
      () => {
        if (stream === own) again(reconnectMs);
      },
      (e: unknown) => {
        if (stream !== own || (e as { name?: string }).name === 'AbortError') return;
        flushLogs();
        failures += 1;
        setLogState('error');
        setLogError((e as Error).message);
        // Gone or forbidden: following again would fail the same way.
        if (e instanceof ApiError && [401, 403, 404].includes(e.status)) return;
        again(Math.min(30_000, reconnectMs * 2 ** failures));
      },
    );
  };
  const forgetLogs = () => {
    stopLogs();
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    ring = [];
    pending = [];
    lastTime = undefined;
    atLastTime = new Set();
    failures = 0;
    setLogs([]);
  };

  const dispose = () => {
    unsubscribe();
    clearInterval(poll);
    stopLogs();
    if (flushTimer) clearTimeout(flushTimer);
    if (refetch) clearTimeout(refetch);
  };
  onCleanup(dispose);

  const act = async (name: string, run: () => Promise<unknown>, done: string) => {
    setActionError(null);
    setBusy(name);
    try {
      await run();
      ctx.toasts.success(done);
      await load();
    } catch (e) {
      setActionError(e);
      if (e instanceof ApiError && e.code === 'version_conflict') await load();
    } finally {
      setBusy(null);
    }
  };

  return {
    detail,
    /** Why the service cannot be shown (not found, deleted meanwhile, no permission). */
    loadError,
    /** Why the last action failed. */
    actionError,
    /** The action under way ('scale', 'restart', 'rollback'), if any. */
    busy,
    /** The replicas field, kept at the desired count by each load unless the user is scaling. */
    replicas,
    setReplicas,
    history,
    /** Whether older stored events may follow those in `history`. */
    historyMore,
    /** Loads the page of stored events before those shown. */
    async loadOlderHistory() {
      const d = detail();
      if (d && historyFor === d.service.id && historyMore()) await loadHistory(d, true);
    },
    /** The Tasks tab's tasks with their history (list-tasks), or null until shown and loaded. */
    tasks,
    /** Whether the Tasks tab is on screen: showing it loads list-tasks, and each reload then refreshes it. */
    showTasks(shown: boolean) {
      setTasksShown(shown);
      if (shown) void loadTasks();
    },
    /** The log lines kept (at most maxLogLines, oldest first). */
    logs,
    /** The kept lines whose text contains the search, ignoring case. */
    visibleLogs: () => {
      const q = logSearch().toLowerCase();
      return q === '' ? logs() : logs().filter((l) => l.text.toLowerCase().includes(q));
    },
    logSearch,
    setLogSearch,
    /** 'following' while the stream is open, 'paused' by the user, 'error' while waiting to follow again. */
    logState,
    logError,
    logsPaused,
    /** Pausing ends the stream (the lines shown stay); resuming follows again from the last line's time. */
    pauseLogs(paused: boolean) {
      setLogsPaused(paused);
      flushLogs();
      followLogs();
    },
    /** The plain text of the service's log (its last 10,000 lines per task), from the server, for a download. */
    async downloadLogs(): Promise<Blob | null> {
      try {
        return await ctx.api.downloadServiceLogs(id(), { tail: 10_000 }, { quiet: true });
      } catch (e) {
        ctx.toasts.error((e as Error).message);
        return null;
      }
    },
    load,
    /** Shows another service: forgets the one shown, then loads. */
    select(next: string) {
      setId(next);
      setDetail(null);
      setTasks(null);
      historyLog.clear();
      setHistory([]);
      historyFor = '';
      historyCursors = [];
      setHistoryMore(false);
      forgetLogs();
      void load();
      if (logsShown()) followLogs();
    },
    /** Whether the Logs tab is on screen: the logs are followed only while it is. */
    showLogs(shown: boolean) {
      if (shown === logsShown()) return;
      setLogsShown(shown);
      followLogs();
    },
    /** Scales to the replicas field, refusing anything but a whole number. */
    scale() {
      const d = detail();
      const n = Number(replicas());
      if (!d || !/^\d+$/.test(replicas().trim())) {
        setActionError(new Error('Replicas must be a whole number, 0 or more.'));
        return Promise.resolve();
      }
      return act('scale', async () => {
        await ctx.api.scaleService(d.service.id, n, { quiet: true });
        services.patch(d.service.id, { replicas: { ...d.service.replicas, desired: n } });
      }, `Scaling ${d.service.name} to ${n}.`);
    },
    restart() {
      const { service } = detail()!;
      return act('restart', () => ctx.api.restartService(service.id, { quiet: true }), `Restarting ${service.name}.`);
    },
    rollback() {
      const { service } = detail()!;
      return act('rollback', () => ctx.api.rollbackService(service.id, { quiet: true }), `Rolling back ${service.name}.`);
    },
    /** Applies the edit form at the version shown; throws the API's error for the form to show. */
    async update(input: ServiceInput) {
      const { service } = detail()!;
      const { name: _name, mode: _mode, ...change } = input;
      await ctx.api.updateService(service.id, service.version, change, { quiet: true });
      ctx.toasts.success(`Updating ${service.name}.`);
    },
    /** Replaces the whole spec at `version` (the one the editor started from); throws the API's error for the editor. */
    async replaceSpec(version: number, spec: Record<string, unknown>) {
      const { service } = detail()!;
      await ctx.api.replaceServiceSpec(service.id, version, spec, { quiet: true });
      ctx.toasts.success(`Updating ${service.name}.`);
    },
    /** Deletes the service; answers whether it is gone (otherwise actionError says why). */
    async remove() {
      const { service } = detail()!;
      try {
        await ctx.api.deleteService(service.id, { quiet: true });
        services.remove(service.id);
        ctx.toasts.success(`Service ${service.name} deleted.`);
        return true;
      } catch (e) {
        setActionError(e);
        return false;
      }
    },
    dispose,
  };
};
