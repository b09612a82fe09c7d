/** Pure event logic: ordering by `timeNano`, a deduplicating sorted log, filters, the per-minute series. */
import type { Event } from '../types.ts';

/** Compares two decimal nanosecond strings without BigInt (no leading zeros expected). */
export const compareNano = (a: string, b: string): number => {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Epoch milliseconds of an event. */
export const eventMs = (e: Event): number => {
  if (typeof e.timeNano === 'string' && e.timeNano.length > 6) return Number(e.timeNano.slice(0, -6));
  return Date.parse(e.time);
};

/**
 * An ascending, id-deduplicated list of events, capped at `limit` (the oldest go first).
 * `add` returns how many were new. `items` is a fresh array after each change, for signals.
 */
export const createEventLog = (limit = 50_000) => {
  if (!(limit > 0)) throw new TypeError('limit must be positive');
  let items: Event[] = [];
  const ids = new Set<string>();

  const insertAt = (list: Event[], e: Event): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareNano(list[mid]!.timeNano, e.timeNano) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    add(events: readonly Event[]): number {
      const fresh = events.filter((e) => {
        if (!e || typeof e.id !== 'string' || ids.has(e.id)) return false;
        ids.add(e.id);
        return true;
      });
      if (fresh.length === 0) return 0;
      const next = items.slice();
      for (const e of fresh) {
        const last = next[next.length - 1];
        if (!last || compareNano(last.timeNano, e.timeNano) <= 0) next.push(e);
        else next.splice(insertAt(next, e), 0, e);
      }
      if (next.length > limit) for (const e of next.splice(0, next.length - limit)) ids.delete(e.id);
      items = next;
      return fresh.length;
    },
    has: (id: string) => ids.has(id),
    get items(): readonly Event[] {
      return items;
    },
    clear() {
      items = [];
      ids.clear();
    },
  };
};

/**
 * The service an event is about: service events, container events of swarm tasks, and audit events whose
 * target is a service (`target.id` is the id or name the caller used).
 */
export const eventService = (e: Event): { id?: string; name?: string } | null => {
  const a = e.actor?.attributes ?? {};
  if (e.type === 'service') return { id: e.actor.id, name: a.name };
  if (e.type === 'audit' && a['target.type'] === 'service' && a['target.id']) return { id: a['target.id'], name: a['target.id'] };
  if (a['com.docker.swarm.service.id'] || a['com.docker.swarm.service.name']) {
    return { id: a['com.docker.swarm.service.id'], name: a['com.docker.swarm.service.name'] };
  }
  return null;
};

/** The node an event is about. */
export const eventNode = (e: Event): string | undefined => {
  const a = e.actor?.attributes ?? {};
  if (e.type === 'node') return a.name ?? e.actor.id;
  if (e.type === 'audit' && a['target.type'] === 'node') return a['target.id'];
  return a['com.docker.swarm.node.id'] ?? e.node;
};

export interface EventFilter {
  type?: string;
  action?: string;
  service?: string;
  node?: string;
  text?: string;
}

const includesCi = (haystack: string | undefined, needle: string) =>
  haystack !== undefined && haystack.toLowerCase().includes(needle);

/** Names for ids that events carry alone: a service's name, a node's hostname. */
export interface EventNames {
  service?: (id: string) => string | undefined;
  node?: (id: string) => string | undefined;
}

/** The node an event concerns, as people know it: its hostname when `hostname` knows the id. */
export const eventNodeLabel = (e: Event, hostname?: (id: string) => string | undefined): string | undefined => {
  const id = eventNode(e);
  if (id === undefined) return undefined;
  const name = hostname?.(id);
  return name && name !== id ? `${name} (${id.slice(0, 12)})` : id;
};

/**
 * Keeps events matching every non-empty field (service and node match id or name, case-insensitively).
 * `names` resolves ids to names, for events that carry only the id (audit events, task containers).
 */
export const filterEvents = (events: readonly Event[], f: EventFilter, names: EventNames = {}): Event[] => {
  const type = f.type?.trim();
  const action = f.action?.trim().toLowerCase();
  const service = f.service?.trim().toLowerCase();
  const node = f.node?.trim().toLowerCase();
  const text = f.text?.trim().toLowerCase();
  if (!type && !action && !service && !node && !text) return events.slice();
  return events.filter((e) => {
    if (type && e.type !== type) return false;
    if (action && !e.action.toLowerCase().startsWith(action)) return false;
    if (service) {
      const s = eventService(e);
      if (!s || !(includesCi(s.id, service) || includesCi(s.name, service) || (s.id !== undefined && includesCi(names.service?.(s.id), service)))) return false;
    }
    if (node) {
      const a = e.actor?.attributes ?? {};
      const nodeId = e.type === 'node' ? e.actor.id : a['com.docker.swarm.node.id'];
      const ids = [eventNode(e), e.node, nodeId];
      if (!ids.some((id) => includesCi(id, node) || (id !== undefined && includesCi(names.node?.(id), node)))) return false;
    }
    if (text && !(includesCi(e.actor.id, text) || Object.values(e.actor.attributes ?? {}).some((v) => includesCi(v, text)))) return false;
    return true;
  });
};

/** Counts per minute over the `minutes` minutes ending at `nowMs` (oldest first). */
export const perMinute = (events: readonly Event[], nowMs: number, minutes = 60): number[] => {
  const counts = new Array<number>(minutes).fill(0);
  const end = Math.floor(nowMs / 60_000);
  const start = end - minutes + 1;
  for (let i = events.length - 1; i >= 0; i--) {
    const m = Math.floor(eventMs(events[i]!) / 60_000);
    if (m < start) {
      // NOTE: events are ascending, so everything before this is older; stop early.
      break;
    }
    if (m <= end) counts[m - start]! += 1;
  }
  return counts;
};

/** Who did what, for audit events (attributes rendered generically when unknown). */
export const describeAudit = (e: Event): string => {
  const a = e.actor?.attributes ?? {};
  const who = a.actor ?? a.username ?? a.user ?? e.actor.id ?? 'someone';
  const what = a.action ?? e.action;
  const target = a.target ? ` ${a.target}` : '';
  const result = a.result ? ` (${a.result})` : '';
  // An outcome record (lib/events/rollout.ts) says how the rollout of an earlier write ended.
  const outcome = a.outcome ? `: ${a['audit.action'] ?? 'write'} ${a.outcome.replace(/_/g, ' ')}${a.service ? ` (${a.service})` : ''}` : '';
  return `${who} ${what}${target}${result}${outcome}`;
};

/** Whether an event says a service is gone (the engine's `remove`, or a successful audited delete). */
export const isServiceRemoval = (e: Event): boolean =>
  (e.type === 'service' && e.action === 'remove') ||
  (e.type === 'audit' && e.action === 'service.delete' && e.actor.attributes?.result === 'success');

/** One line of text for any event. */
export const describeEvent = (e: Event): string => {
  if (e.scope === 'audit' || e.type === 'audit') return describeAudit(e);
  const a = e.actor?.attributes ?? {};
  const name = a.name ?? a['com.docker.swarm.task.name'] ?? e.actor.id.slice(0, 12);
  const extra: string[] = [];
  if (a['com.docker.swarm.service.name'] && a['com.docker.swarm.service.name'] !== name) {
    extra.push(`service ${a['com.docker.swarm.service.name']}`);
  }
  if (a.exitCode !== undefined) extra.push(`exit ${a.exitCode}`);
  const change = (label: string, key: string) => {
    if (a[`${key}.new`]) extra.push(a[`${key}.old`] ? `${label} ${a[`${key}.old`]} → ${a[`${key}.new`]}` : `${label} → ${a[`${key}.new`]}`);
  };
  change('update', 'updatestate');
  change('replicas', 'replicas');
  if (a['availability.new']) extra.push(`availability → ${a['availability.new']}`);
  if (a['state.new']) extra.push(`state → ${a['state.new']}`);
  return `${e.type} ${e.action} ${name}${extra.length ? ` (${extra.join(', ')})` : ''}`;
};
