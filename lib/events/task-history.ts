/**
 * list-tasks' rule: the engine's current tasks merged with the task history stored as `task` events
 * (./task-event.ts), so tasks Docker has already pruned (it keeps five per slot) are still listed.
 *
 * The history is read as events of type `task` from `since` (default: seven days ago), at most
 * MAX_HISTORY_EVENTS of them, and filtered by service and node in memory: both adapters already index by time
 * and filter by type, and one range read answers a whole page of tasks where a read per task would not.
 * Tasks are ordered newest first (updatedAt, then id) and paged with an opaque cursor after the last one.
 */
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../cursor.ts';
import type { Task } from '../swarm/swarm.ts';
import type { Event } from './event.ts';
import type { EventHistory } from './event-history.ts';

export interface TaskHistoryEntry {
  state: string;
  message: string;
  error: string | null;
  time: string;
  exitCode?: number;
}

export interface TaskWithHistory extends Task {
  serviceName: string;
  nodeHostname: string | null;
  /** Whether the engine still lists the task; false for tasks known only from the history. */
  current: boolean;
  /** Oldest first. */
  history: TaskHistoryEntry[];
}

export interface TaskQuery {
  /** Service id (names are resolved by the caller). */
  serviceId?: string;
  nodeId?: string;
  state?: string;
  /** Nanoseconds since the epoch. */
  since: bigint;
  limit: number;
  cursor?: string;
  /** Which tasks the caller may see (scoped services.read); applied before paging, so pages stay full. */
  visible?: (task: { serviceId: string; serviceName: string }) => boolean;
}

export const MAX_HISTORY_EVENTS = 20_000;

const encodeTaskCursor = (t: Pick<Task, 'updatedAt' | 'id'>): string => encodeOpaqueCursor([t.updatedAt, t.id]);
const decodeTaskCursor = (cursor: string): [string, string] =>
  decodeOpaqueCursor(cursor, (v) => (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : undefined));

/** Newest first: updatedAt descending (RFC 3339 from one engine compares as time), then id. */
const newestFirst = (a: Pick<Task, 'updatedAt' | 'id'>, b: Pick<Task, 'updatedAt' | 'id'>): number =>
  Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const entryOf = (e: Event): TaskHistoryEntry => {
  const a = e.actor.attributes;
  const exit = a.exitCode !== undefined && /^-?[0-9]+$/.test(a.exitCode) ? { exitCode: Number(a.exitCode) } : {};
  return { state: e.action, message: a.message ?? '', error: a.error ? a.error : null, time: e.time, ...exit };
};

/** Reads the stored `task` events from `since`, grouped by task id, oldest first. */
export const readTaskEvents = async (history: Pick<EventHistory, 'range'>, since: bigint): Promise<Map<string, Event[]>> => {
  const byTask = new Map<string, Event[]>();
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await history.range({ type: 'task', since, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const e of page.events) {
      const list = byTask.get(e.actor.id);
      if (list) list.push(e);
      else byTask.set(e.actor.id, [e]);
    }
    read += page.events.length;
    cursor = page.next;
  } while (cursor && read < MAX_HISTORY_EVENTS);
  return byTask;
};

/** Merges current tasks with their stored history and answers one page. */
export const mergeTaskHistory = (
  current: readonly Task[],
  stored: ReadonlyMap<string, Event[]>,
  names: { service: ReadonlyMap<string, string>; node: ReadonlyMap<string, string> },
  query: TaskQuery,
): { tasks: TaskWithHistory[]; next?: string } => {
  const out = new Map<string, TaskWithHistory>();
  for (const t of current) {
    const events = stored.get(t.id) ?? [];
    const history = events.map(entryOf);
    const last = history[history.length - 1];
    // The producer may not have listed the newest state yet: the engine's word completes the history.
    if (!last || last.state !== t.state) history.push({ state: t.state, message: t.message, error: t.error, time: t.updatedAt });
    out.set(t.id, {
      ...t,
      serviceName: names.service.get(t.serviceId) ?? events[0]?.actor.attributes.serviceName ?? '',
      nodeHostname: t.nodeId ? names.node.get(t.nodeId) ?? null : null,
      current: true,
      history,
    });
  }
  for (const [id, events] of stored) {
    if (out.has(id) || events.length === 0) continue;
    const first = events[0]!;
    const newest = events[events.length - 1]!;
    const a = newest.actor.attributes;
    const slot = a.slot && /^[0-9]+$/.test(a.slot) ? Number(a.slot) : null;
    const nodeId = a.nodeId ? a.nodeId : null;
    out.set(id, {
      id,
      slot,
      nodeId,
      serviceId: a.serviceId ?? '',
      state: newest.action,
      desiredState: a.desiredState ?? '',
      message: a.message ?? '',
      error: a.error ? a.error : null,
      createdAt: first.time,
      updatedAt: newest.time,
      serviceName: names.service.get(a.serviceId ?? '') ?? a.serviceName ?? '',
      nodeHostname: nodeId ? names.node.get(nodeId) ?? null : null,
      current: false,
      history: events.map(entryOf),
    });
  }
  let tasks = [...out.values()].filter(
    (t) =>
      (query.serviceId === undefined || t.serviceId === query.serviceId) &&
      (query.nodeId === undefined || t.nodeId === query.nodeId) &&
      (query.state === undefined || t.state === query.state) &&
      (query.visible === undefined || query.visible(t)),
  );
  tasks.sort(newestFirst);
  if (query.cursor !== undefined) {
    const [updatedAt, id] = decodeTaskCursor(query.cursor);
    tasks = tasks.filter((t) => newestFirst({ updatedAt, id }, t) < 0);
  }
  const page = tasks.slice(0, query.limit);
  const last = page[page.length - 1];
  return tasks.length > query.limit && last ? { tasks: page, next: encodeTaskCursor(last) } : { tasks: page };
};
