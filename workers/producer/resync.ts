/**
 * List-then-watch for the producer: the engine keeps only its last 256 events, so a producer that was away
 * longer misses some. On each (re)connect it lists the swarm's services and nodes and emits, for every object
 * whose state is newer than what it last published, the event that brings the history up to date.
 *
 * The snapshot it compares with is what the published stream says: per object, its name and the timeNano of the
 * newest create/update seen. The engine stamps a swarm create with the object's CreatedAt and an update with its
 * UpdatedAt (moby daemon/events.go, eventTimestamp), so a listed object compares with events exactly, and:
 * - a synthetic `create` (timeNano = CreatedAt, attributes {name}) is the engine's own create event, same id;
 * - a synthetic `remove` (attributes {name}) has the id of the engine's own remove (time-independent, docker-event.ts);
 * - a synthetic `update` cannot know the old/new attributes the engine would have sent, so it carries
 *   `dashboard.resync=true` and `version` (the object's Version.Index) at timeNano = UpdatedAt: every producer and
 *   every restart derives the same id from the same engine state.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventId, formatTimeNano, parseTimeBound } from '../../lib/events/docker-event.ts';
import type { Event } from '../../lib/events/event.ts';
import { taskStateKey } from '../../lib/events/task-event.ts';

export type ResyncKind = 'service' | 'node';

/** What the published stream says about the swarm: per kind, object id → [name, newest create/update timeNano]. */
export interface SwarmSnapshot {
  service: Record<string, [string, string]>;
  node: Record<string, [string, string]>;
  /** Task history: task id → [service id, taskStateKey of the newest state published]; absent in older files. */
  task?: Record<string, [string, string]>;
}

export interface SnapshotStore {
  load(): Promise<SwarmSnapshot | null>;
  save(snapshot: SwarmSnapshot): Promise<void>;
}

/** One listed object, as the engine's `GET /services` and `GET /nodes` describe it. */
export interface ListedObject {
  kind: ResyncKind;
  id: string;
  name: string;
  version: number;
  createdAt: bigint;
  updatedAt: bigint;
}

/** The part of dockerode the resync uses. */
export interface EngineState {
  listServices(): Promise<unknown[]>;
  listNodes(): Promise<unknown[]>;
}

export const emptySnapshot = (): SwarmSnapshot => ({ service: {}, node: {} });

const KINDS = new Set<string>(['service', 'node']);

/** Folds events into the snapshot (in place): create/update raise an object's time, remove forgets it. */
export const observe = (snapshot: SwarmSnapshot, events: readonly Event[]): boolean => {
  let changed = false;
  for (const e of events) {
    if (e.scope === 'swarm' && e.type === 'task') {
      const tasks = (snapshot.task ??= {});
      const key = taskStateKey(e.action, e.timeNano);
      const prev = tasks[e.actor.id];
      // An older state arriving late (a redelivery) must not make the newer one look unseen.
      if (!prev || (prev[1] !== key && BigInt(e.timeNano) >= BigInt(prev[1].slice(prev[1].lastIndexOf('@') + 1)))) {
        tasks[e.actor.id] = [e.actor.attributes.serviceId ?? '', key];
        changed = true;
      }
      continue;
    }
    if (e.scope !== 'swarm' || !KINDS.has(e.type)) continue;
    const objects = snapshot[e.type as ResyncKind];
    const id = e.actor.id;
    if (e.action === 'remove') {
      if (id in objects) {
        delete objects[id];
        changed = true;
      }
      if (e.type === 'service' && snapshot.task) {
        for (const [task, [service]] of Object.entries(snapshot.task)) if (service === id) delete snapshot.task[task];
      }
      continue;
    }
    if (e.action !== 'create' && e.action !== 'update') continue;
    const prev = objects[id];
    if (!prev || BigInt(e.timeNano) > BigInt(prev[1])) {
      objects[id] = [e.actor.attributes.name ?? prev?.[0] ?? '', e.timeNano];
      changed = true;
    }
  }
  return changed;
};

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const time = (v: unknown): bigint | null => {
  if (typeof v !== 'string') return null;
  try {
    return parseTimeBound(v);
  } catch {
    return null;
  }
};

/** Reads one listed service or node; null for anything without an id and readable times. */
export const toListedObject = (kind: ResyncKind, raw: unknown): ListedObject | null => {
  const o = record(raw);
  const id = o.ID;
  const createdAt = time(o.CreatedAt);
  const updatedAt = time(o.UpdatedAt);
  if (typeof id !== 'string' || id === '' || createdAt === null || updatedAt === null) return null;
  const specName = record(o.Spec).Name;
  const hostname = record(o.Description).Hostname;
  // NOTE: a node's events are named by Spec.Name, falling back to the hostname (moby daemon/events.go, logNodeEvent).
  const name = typeof specName === 'string' && specName !== '' ? specName : typeof hostname === 'string' ? hostname : '';
  const index = record(o.Version).Index;
  return { kind, id, name, version: typeof index === 'number' ? index : 0, createdAt, updatedAt };
};

/** The swarm's services and nodes now. Throws when the engine refuses (e.g. not a manager). */
export const listSwarmObjects = async (engine: EngineState): Promise<ListedObject[]> => {
  const [services, nodes] = await Promise.all([engine.listServices(), engine.listNodes()]);
  return [
    ...services.map((s) => toListedObject('service', s)),
    ...nodes.map((n) => toListedObject('node', n)),
  ].filter((o): o is ListedObject => o !== null);
};

const synthetic = (kind: ResyncKind, action: string, id: string, timeNano: bigint, attributes: Record<string, string>, node: string): Event => {
  const base = { timeNano: timeNano.toString(), type: kind, action, actor: { id, attributes }, scope: 'swarm' as const };
  return { id: eventId(base), time: formatTimeNano(timeNano), ...base, node };
};

/**
 * The events that take `snapshot` to `objects`, oldest first. `now` stamps removals (the engine stamps its own
 * with the emitting manager's clock too; their id leaves the time out).
 */
export const resyncEvents = (snapshot: SwarmSnapshot, objects: readonly ListedObject[], node: string, now: bigint): Event[] => {
  const out: Event[] = [];
  const listed = { service: new Set<string>(), node: new Set<string>() };
  for (const o of objects) {
    listed[o.kind].add(o.id);
    const prev = snapshot[o.kind][o.id];
    if (!prev) out.push(synthetic(o.kind, 'create', o.id, o.createdAt, { name: o.name }, node));
    const known = prev ? BigInt(prev[1]) : o.createdAt;
    if (o.updatedAt > known) {
      out.push(synthetic(o.kind, 'update', o.id, o.updatedAt, { name: o.name, 'dashboard.resync': 'true', version: String(o.version) }, node));
    }
  }
  for (const kind of ['service', 'node'] as const) {
    for (const [id, [name]] of Object.entries(snapshot[kind])) {
      if (!listed[kind].has(id)) out.push(synthetic(kind, 'remove', id, now, { name }, node));
    }
  }
  return out.sort((a, b) => (BigInt(a.timeNano) < BigInt(b.timeNano) ? -1 : BigInt(a.timeNano) > BigInt(b.timeNano) ? 1 : 0));
};

/** Whether `event` (from resyncEvents) still changes `snapshot`: the stream may have told it meanwhile. */
export const stillNeeded = (snapshot: SwarmSnapshot, event: Event): boolean => {
  const prev = snapshot[event.type as ResyncKind]?.[event.actor.id];
  if (event.action === 'remove') return prev !== undefined;
  if (event.action === 'create') return prev === undefined;
  return prev === undefined || BigInt(prev[1]) < BigInt(event.timeNano);
};

const isSnapshot = (v: unknown): v is SwarmSnapshot => {
  const r = record(v);
  return ['service', 'node'].every((k) =>
    Object.values(record(r[k])).every((x) => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && /^[0-9]{1,19}$/.test(String(x[1])))) &&
    typeof r.service === 'object' && typeof r.node === 'object' &&
    (r.task === undefined || Object.values(record(r.task)).every((x) => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string'));
};

/** The snapshot file beside the producer's cursor (`producer-state-<node>.json` in `dataDir`), written atomically. */
export const fileSnapshot = (dataDir: string, node: string): SnapshotStore => {
  const safe = node.replace(/[^A-Za-z0-9_.-]/g, '_') || 'node';
  const path = join(dataDir, `producer-state-${safe}.json`);
  return {
    async load() {
      try {
        const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
        return isSnapshot(value) ? value : null;
      } catch {
        return null;
      }
    },
    async save(snapshot) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(snapshot));
      renameSync(`${path}.tmp`, path);
    },
  };
};

/** An in-memory snapshot store, for tests. */
export const memorySnapshot = (start: SwarmSnapshot | null = null): SnapshotStore & { value: SwarmSnapshot | null } => {
  const s = {
    value: start,
    async load() {
      return s.value === null ? null : structuredClone(s.value);
    },
    async save(snapshot: SwarmSnapshot) {
      s.value = structuredClone(snapshot);
    },
  };
  return s;
};
