import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { EventListener } from '../live.ts';
import type { Event, LogLine, Me, ServiceDetail, ServiceSummary } from '../types.ts';
import { HISTORY_PAGE, createServiceDetailStore } from './service-detail.ts';

const detailOf = (id: string, over: Partial<ServiceSummary> = {}): ServiceDetail => ({
  service: {
    id,
    name: `name-${id}`,
    image: 'local/busybox:1',
    mode: 'replicated',
    replicas: { desired: 2, running: 2 },
    ports: [],
    labels: {},
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    version: 5,
    spec: {},
    ...over,
  },
  tasks: [],
});

const event = (over: Partial<Event>, ms = Date.now()): Event => ({
  id: Math.random().toString(36).slice(2),
  time: new Date(ms).toISOString(),
  timeNano: `${ms}000000`,
  type: 'service',
  action: 'update',
  actor: { id: 'a', attributes: {} },
  scope: 'swarm',
  ...over,
});

/**
 * A fake context: inspect answers from `services` (by id or name), list-events from `stored`; every API
 * call, toast and services-store change is recorded; `emit` delivers a live event.
 */
/** A log follow the test drives: each opened stream is recorded, fed by `onLine`, and ended by `end`. */
type Opened = { id: string; query: Record<string, unknown>; onLine: (l: LogLine) => void; signal: AbortSignal; end: (e?: unknown) => void };
const logFeed = () => {
  const opened: Opened[] = [];
  const follow = (id: string, query: Record<string, unknown>, onLine: (l: LogLine) => void, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      opened.push({ id, query, onLine, signal, end: (e?: unknown) => (e ? reject(e) : resolve()) });
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    });
  return { opened, follow };
};
const logLine = (text: string, time = '2026-01-01T00:00:00Z', taskId = 't1'): LogLine => ({ time, taskId, nodeId: 'n1', stream: 'stdout', text });

const fakeContext = (services: Record<string, ServiceDetail>, options: { me?: Me; stored?: Event[]; logsFail?: boolean; feed?: ReturnType<typeof logFeed> } = {}) => {
  const calls: string[] = [];
  const toasts: string[] = [];
  const listStore: string[] = [];
  const listeners: EventListener[] = [];
  const find = (id: string) => Object.values(services).find((d) => d.service.id === id || d.service.name === id);
  const ctx = {
    api: {
      inspectService: async (id: string) => {
        calls.push(`inspect ${id}`);
        const d = find(id);
        if (!d) throw new ApiError(404, 'not_found', 'no such service');
        return structuredClone(d);
      },
      // Pages like the server: newest first for order desc, `limit` at a time, the cursor an index here.
      listEvents: async (query: { type?: string; actor?: string; order?: string; limit?: number; cursor?: string }) => {
        calls.push(`events ${query.type ?? `actor=${query.actor}`}${query.order === 'desc' ? ' desc' : ''}${query.cursor ? ` after ${query.cursor}` : ''}`);
        const all = (options.stored ?? []).filter((e) => (query.type ? e.type === query.type : e.actor.id === query.actor));
        const ordered = query.order === 'desc' ? [...all].reverse() : all;
        const from = Number(query.cursor ?? 0);
        const to = from + (query.limit ?? 100);
        return to < ordered.length ? { events: ordered.slice(from, to), next: String(to) } : { events: ordered.slice(from) };
      },
      listTasks: async (query: { service: string; cursor?: string }) => {
        calls.push(`tasks ${query.service} ${query.cursor ?? 'first'}`);
        const task = (id: string, state: string) => ({
          id, slot: 1, nodeId: 'n1', nodeHostname: 'alpha', serviceId: query.service, serviceName: `name-${query.service}`, state,
          desiredState: 'shutdown', message: '', error: state === 'failed' ? 'task: non-zero exit (3)' : null, createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z', current: false, history: [{ state, message: '', error: null, time: '2026-01-01T00:00:00Z', exitCode: 3 }],
        });
        // Seven failed tasks of one slot, on two pages: more than the five inspect-service can show.
        return query.cursor
          ? { tasks: [5, 6, 7].map((n) => task(`t${n}`, 'failed')) }
          : { tasks: [1, 2, 3, 4].map((n) => task(`t${n}`, 'failed')), next: 'p2' };
      },
      serviceLogs: async (id: string) => {
        calls.push(`logs ${id}`);
        if (options.logsFail) throw new ApiError(503, 'swarm_unavailable', 'no engine');
        return { lines: [{ time: '2026-01-01T00:00:00Z', taskId: 't1', nodeId: 'n1', stream: 'stdout', text: 'hello' }] };
      },
      followServiceLogs: (options.feed ?? logFeed()).follow,
      replaceServiceSpec: async (id: string, version: number, spec: object) => (calls.push(`replace ${id} v${version} ${JSON.stringify(spec)}`), { id, version: version + 1 }),
      downloadServiceLogs: async (id: string, query: { tail?: number }) => {
        calls.push(`download ${id} ${query.tail}`);
        if (options.logsFail) throw new ApiError(503, 'swarm_unavailable', 'no engine');
        return new Blob(['2026-01-01T00:00:00Z stdout t1 hello\n'], { type: 'text/plain' });
      },
      scaleService: async (id: string, n: number) => (calls.push(`scale ${id} ${n}`), { id, version: 6 }),
      restartService: async (id: string) => {
        calls.push(`restart ${id}`);
        throw new ApiError(409, 'version_conflict', 'changed meanwhile');
      },
      updateService: async (id: string, version: number, change: object) => (calls.push(`update ${id} v${version} ${JSON.stringify(change)}`), { id, version: version + 1 }),
      deleteService: async (id: string) => void calls.push(`delete ${id}`),
    },
    live: { subscribe: (l: EventListener) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)) },
    session: { me: () => options.me ?? { username: 'admin', permissions: ['services.read', 'services.write', 'events.read'] } },
    toasts: { success: (m: string) => toasts.push(m), error: (m: string) => toasts.push(`error: ${m}`) },
  } as unknown as AppContext;
  const servicesStore = {
    patch: (id: string, change: Partial<ServiceSummary>) => listStore.push(`patch ${id} ${JSON.stringify(change)}`),
    remove: (id: string) => listStore.push(`remove ${id}`),
  };
  const emit = (e: Event) => [...listeners].forEach((l) => l(e, { replay: false }));
  return { ctx, calls, toasts, listStore, servicesStore, emit, listeners };
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const store = suite('service detail store');

store("should load the selected service and its stored history, only the service's own events", async () => {
  const f = fakeContext({ a: detailOf('a') }, {
    stored: [
      event({ id: 'mine', actor: { id: 'a', attributes: { name: 'name-a' } } }),
      event({ id: 'task', type: 'container', action: 'start', actor: { id: 'c1', attributes: { 'com.docker.swarm.service.id': 'a' } } }),
      event({ id: 'other', type: 'container', action: 'start', actor: { id: 'c2', attributes: { 'com.docker.swarm.service.id': 'b' } } }),
    ],
  });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  assert.is(s.detail()!.service.name, 'name-a');
  assert.is(s.replicas(), '2');
  assert.is(s.loadError(), null);
  assert.equal(s.history().map((e) => e.id).sort(), ['mine', 'task']);
  assert.equal(f.calls, ['inspect a', 'events actor=a desc', 'events container desc', 'events audit desc']);
  s.dispose();
});

store('should show the newest stored events first, then load older pages by next until none is left', async () => {
  // 450 events of the service, oldest first as stored: more than a page.
  const stored = Array.from({ length: 450 }, (_, i) =>
    event({ id: `e${i}`, timeNano: String(1_700_000_000_000_000_000n + BigInt(i)), actor: { id: 'a', attributes: { name: 'name-a' } } }),
  );
  const f = fakeContext({ a: detailOf('a') }, { stored });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  const shown = () => s.history().map((e) => e.id);
  assert.is(shown().length, HISTORY_PAGE);
  assert.equal(shown(), stored.slice(450 - HISTORY_PAGE).map((e) => e.id), 'the newest page, not the oldest');
  assert.ok(s.historyMore());
  await s.loadOlderHistory();
  assert.equal(shown(), stored.slice(450 - 2 * HISTORY_PAGE).map((e) => e.id));
  await s.loadOlderHistory();
  assert.equal(shown(), stored.map((e) => e.id));
  assert.is(s.historyMore(), false);
  assert.equal(f.calls.filter((c) => c.startsWith('events actor')), ['events actor=a desc', 'events actor=a desc after 200', 'events actor=a desc after 400']);
  s.dispose();
});

store('should not ask for history without events.read, and show why a service cannot be loaded', async () => {
  const f = fakeContext({ a: detailOf('a') }, { me: { username: 'bob', permissions: ['services.read'] } });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  assert.equal(f.calls, ['inspect a']);
  s.select('nope');
  assert.is(s.detail(), null);
  await wait(10);
  assert.is((s.loadError() as ApiError).code, 'not_found');
  s.dispose();
});

store('should reload once per burst of its live events, keep them in its history, and notice a removal', async () => {
  const services = { a: detailOf('a') };
  const f = fakeContext(services, { me: { username: 'bob', permissions: ['services.read'] } });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, debounceMs: 20, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  services.a = detailOf('a', { replicas: { desired: 3, running: 2 }, version: 6 });
  for (let i = 0; i < 3; i++) f.emit(event({ actor: { id: 'a', attributes: { name: 'name-a' } } }));
  f.emit(event({ actor: { id: 'b', attributes: { name: 'name-b' } } }));
  await wait(50);
  assert.equal(f.calls, ['inspect a', 'inspect a']);
  assert.is(s.detail()!.service.version, 6);
  assert.is(s.history().length, 3);
  f.emit(event({ action: 'remove', actor: { id: 'a', attributes: { name: 'name-a' } } }));
  assert.is((s.loadError() as ApiError).message, 'This service was deleted.');
  s.dispose();
  assert.is(f.listeners.length, 0);
});

store('should re-read a converging service on its poll, and not a converged one', async () => {
  const f = fakeContext({ a: detailOf('a', { replicas: { desired: 3, running: 1 } }), b: detailOf('b') }, { me: { username: 'bob', permissions: [] } });
  const converging = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 20 });
  converging.select('a');
  const converged = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 20 });
  converged.select('b');
  await wait(70);
  converging.dispose();
  converged.dispose();
  assert.ok(f.calls.filter((c) => c === 'inspect a').length >= 2);
  assert.equal(f.calls.filter((c) => c === 'inspect b'), ['inspect b']);
});

store('should scale to a whole number only, and patch the services list at once', async () => {
  const f = fakeContext({ a: detailOf('a') }, { me: { username: 'bob', permissions: [] } });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  s.setReplicas('2.5');
  await s.scale();
  assert.match(String(s.actionError()), /whole number/);
  s.setReplicas(' 4 ');
  const scaling = s.scale();
  assert.is(s.busy(), 'scale');
  await scaling;
  assert.is(s.busy(), null);
  assert.is(s.actionError(), null);
  assert.equal(f.calls, ['inspect a', 'scale a 4', 'inspect a']);
  assert.equal(f.listStore, ['patch a {"replicas":{"desired":4,"running":2}}']);
  assert.equal(f.toasts, ['Scaling name-a to 4.']);
  s.dispose();
});

store('should keep the error of a failed action and reload on a version conflict; update and delete', async () => {
  const f = fakeContext({ a: detailOf('a') }, { me: { username: 'bob', permissions: [] } });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  await s.restart();
  assert.is((s.actionError() as ApiError).code, 'version_conflict');
  assert.equal(f.calls, ['inspect a', 'restart a', 'inspect a']);
  await s.update({ name: 'name-a', mode: 'replicated', image: 'local/busybox:2' });
  assert.is(f.calls.at(-1), 'update a v5 {"image":"local/busybox:2"}');
  assert.ok(await s.remove());
  assert.equal(f.listStore, ['remove a']);
  assert.equal(f.toasts, ['Updating name-a.', 'Service name-a deleted.']);
  s.dispose();
});

store('should replace the whole spec at the version the editor started from', async () => {
  const f = fakeContext({ a: detailOf('a') });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(10);
  await s.replaceSpec(3, { Name: 'name-a', Labels: { x: '1' } });
  assert.is(f.calls.at(-1), 'replace a v3 {"Name":"name-a","Labels":{"x":"1"}}');
  assert.equal(f.toasts, ['Updating name-a.']);
  s.dispose();
});

store('should follow the logs only while the Logs tab is shown, one view update per burst', async () => {
  const feed = logFeed();
  const f = fakeContext({ a: detailOf('a') }, { feed });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000, logFlushMs: 10 });
  s.select('a');
  assert.is(feed.opened.length, 0);
  s.showLogs(true);
  assert.is(feed.opened.length, 1);
  assert.equal([feed.opened[0]!.id, feed.opened[0]!.query], ['a', { tail: 200 }]);
  assert.is(s.logState(), 'following');
  for (const text of ['one', 'two', 'three']) feed.opened[0]!.onLine(logLine(text, `2026-01-01T00:00:0${text.length}Z`));
  assert.equal(s.logs(), [], 'each line updated the view');
  await wait(30);
  assert.equal(s.logs().map((l) => l.text), ['one', 'two', 'three']);
  s.showLogs(false);
  assert.ok(feed.opened[0]!.signal.aborted, 'the stream stayed open with the tab hidden');
  assert.is(s.logState(), 'off');
  // Another service: its lines only, from a fresh stream.
  s.showLogs(true);
  s.select('b');
  assert.equal(s.logs(), []);
  assert.is(feed.opened.at(-1)!.id, 'b');
  assert.ok(feed.opened.slice(0, -1).every((o) => o.signal.aborted));
  s.dispose();
  assert.ok(feed.opened.at(-1)!.signal.aborted);
});

store('should keep at most maxLogLines, the newest', async () => {
  const feed = logFeed();
  const f = fakeContext({ a: detailOf('a') }, { feed });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000, logFlushMs: 5, maxLogLines: 5 });
  s.select('a');
  s.showLogs(true);
  for (let i = 0; i < 12; i++) feed.opened[0]!.onLine(logLine(`l${i}`, `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`));
  await wait(20);
  for (let i = 12; i < 14; i++) feed.opened[0]!.onLine(logLine(`l${i}`, `2026-01-01T00:00:${i}Z`));
  await wait(20);
  assert.equal(s.logs().map((l) => l.text), ['l9', 'l10', 'l11', 'l12', 'l13']);
  s.dispose();
});

store('should search the kept lines ignoring case, and pause and resume from the last line without repeats', async () => {
  const feed = logFeed();
  const f = fakeContext({ a: detailOf('a') }, { feed });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000, logFlushMs: 5 });
  s.select('a');
  s.showLogs(true);
  feed.opened[0]!.onLine(logLine('Hello', '2026-01-01T00:00:01Z'));
  feed.opened[0]!.onLine(logLine('world', '2026-01-01T00:00:02Z'));
  feed.opened[0]!.onLine(logLine('HELLO again', '2026-01-01T00:00:03Z'));
  await wait(15);
  s.setLogSearch('hello');
  assert.equal(s.visibleLogs().map((l) => l.text), ['Hello', 'HELLO again']);
  s.setLogSearch('');
  assert.is(s.visibleLogs().length, 3);
  s.pauseLogs(true);
  assert.ok(feed.opened[0]!.signal.aborted);
  assert.is(s.logState(), 'paused');
  await wait(15);
  assert.is(feed.opened.length, 1);
  s.pauseLogs(false);
  assert.is(feed.opened.length, 2);
  assert.equal(feed.opened[1]!.query, { since: '2026-01-01T00:00:03Z', tail: 1000 });
  // The engine's since is inclusive: the last line comes again and is skipped; a new line at that time is not.
  feed.opened[1]!.onLine(logLine('HELLO again', '2026-01-01T00:00:03Z'));
  feed.opened[1]!.onLine(logLine('same time, other task', '2026-01-01T00:00:03Z', 't2'));
  feed.opened[1]!.onLine(logLine('later', '2026-01-01T00:00:04Z'));
  await wait(15);
  assert.equal(s.logs().map((l) => l.text), ['Hello', 'world', 'HELLO again', 'same time, other task', 'later']);
  s.dispose();
});

store('should follow again when the server ends the stream, back off after failures, and stop on 404', async () => {
  const feed = logFeed();
  const f = fakeContext({ a: detailOf('a') }, { feed });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000, logFlushMs: 5, reconnectMs: 10 });
  s.select('a');
  s.showLogs(true);
  feed.opened[0]!.onLine(logLine('x', '2026-01-01T00:00:01Z'));
  feed.opened[0]!.end();
  await wait(40);
  assert.is(feed.opened.length, 2, 'no new stream after the server ended one');
  assert.equal(feed.opened[1]!.query, { since: '2026-01-01T00:00:01Z', tail: 1000 });
  feed.opened[1]!.end(new ApiError(503, 'swarm_unavailable', 'no engine'));
  await wait(1);
  assert.is(s.logState(), 'error');
  assert.is(s.logError(), 'no engine');
  await wait(60);
  assert.is(feed.opened.length, 3);
  assert.is(s.logState(), 'following');
  feed.opened[2]!.end(new ApiError(404, 'not_found', 'no such service'));
  await wait(100);
  assert.is(feed.opened.length, 3, 'followed a service that is gone');
  assert.equal(f.toasts, []);
  s.dispose();
});

store('should download the plain text as a Blob, and toast a failure', async () => {
  const f = fakeContext({ a: detailOf('a') });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  const blob = await s.downloadLogs();
  assert.is(await blob!.text(), '2026-01-01T00:00:00Z stdout t1 hello\n');
  assert.ok(f.calls.includes('download a 10000'));
  s.dispose();
  const failing = fakeContext({ a: detailOf('a') }, { logsFail: true });
  const t = createServiceDetailStore(failing.ctx, { services: failing.servicesStore, pollMs: 60_000 });
  t.select('a');
  assert.is(await t.downloadLogs(), null);
  assert.equal(failing.toasts, ['error: no engine']);
  t.dispose();
});

store('should load every list-tasks page for the Tasks tab only while it is shown, and refresh it on reloads', async () => {
  const f = fakeContext({ a: detailOf('a') }, { me: { username: 'bob', permissions: [] } });
  const s = createServiceDetailStore(f.ctx, { services: f.servicesStore, pollMs: 60_000 });
  s.select('a');
  await wait(5);
  assert.is(s.tasks(), null);
  assert.not.ok(f.calls.some((c) => c.startsWith('tasks')));
  s.showTasks(true);
  await wait(5);
  assert.equal(s.tasks()!.map((t) => t.id), ['t1', 't2', 't3', 't4', 't5', 't6', 't7']);
  assert.equal(f.calls.filter((c) => c.startsWith('tasks')), ['tasks a first', 'tasks a p2']);
  assert.is(s.tasks()![6]!.nodeHostname, 'alpha');
  await s.load();
  await wait(5);
  assert.is(f.calls.filter((c) => c === 'tasks a first').length, 2);
  s.showTasks(false);
  await s.load();
  await wait(5);
  assert.is(f.calls.filter((c) => c === 'tasks a first').length, 2);
  s.dispose();
});

store.run();
