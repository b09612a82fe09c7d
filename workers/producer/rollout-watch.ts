/**
 * Rollout observations on a manager (lib/events/rollout.ts): every service event (and every resync) has the
 * service looked at (`GET /services?status=true`), and what changed since the last look is published as a
 * `rollout` event. While the rollout is not settled, the service is looked at again with a growing delay, so a
 * rollout that ends without an engine event (a scale whose tasks come up) is still seen to end.
 * - A service without UpdateStatus whose tasks all run is settled only when a second look, at least `confirmMs`
 *   later, finds it at the same version: the engine starts an update a moment after the spec write, and that
 *   start raises the version.
 * - A crash loses only these timers: the resync on start looks at every service again.
 * On a worker node the engine refuses service listings; the watch then reports that once and keeps quiet.
 */
import type { Event } from '../../lib/events/event.ts';
import { observationOf, removedObservation, rolloutEvent, sameObservation, type RolloutObservation } from '../../lib/events/rollout.ts';

/** The part of dockerode the rollout watch uses. */
export interface EngineRollouts {
  listServices(options: { status: boolean; filters?: string }): Promise<unknown[]>;
}

export interface RolloutWatchOptions {
  engine: EngineRollouts;
  emit: (events: Event[]) => void;
  node: string;
  onError: (e: unknown) => void;
  /** Delay that gathers touches into one listing. Default 300 ms. */
  batchMs?: number;
  /** First delay before looking again at an unsettled rollout; doubles up to `maxMs`. Default 1000 ms. */
  followMs?: number;
  /** Longest delay between two looks at an unsettled rollout. Default 30 s. */
  maxMs?: number;
  /** How long a state-less, converged service must stay at one version to count as settled. Default 1000 ms. */
  confirmMs?: number;
  now?: () => number;
}

export interface RolloutWatch {
  /** Notes the services an engine event concerns. */
  observe(event: Event): void;
  /** Looks at these services (all of them when more than a listing's chunk). */
  touch(serviceIds: Iterable<string>): void;
  /** Waits for listings in progress; timers still pending are dropped. */
  stop(): Promise<void>;
}

interface Tracked {
  last?: RolloutObservation;
  /** A state-less, converged look waiting to be confirmed. */
  quiet?: { version: number; at: number };
  delay: number;
  timer?: NodeJS.Timeout;
}

const CHUNK = 50;

export const createRolloutWatch = (options: RolloutWatchOptions): RolloutWatch => {
  const batchMs = options.batchMs ?? 300;
  const followMs = options.followMs ?? 1000;
  const maxMs = options.maxMs ?? 30_000;
  const confirmMs = options.confirmMs ?? 1000;
  const now = options.now ?? Date.now;
  const tracked = new Map<string, Tracked>();
  const pending = new Set<string>();
  let batchTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let failing = false;

  const entry = (id: string): Tracked => {
    let t = tracked.get(id);
    if (!t) tracked.set(id, (t = { delay: followMs }));
    return t;
  };

  const publish = (o: RolloutObservation, t: Tracked, out: Event[]) => {
    if (t.last && sameObservation(t.last, o)) return;
    t.last = o;
    out.push(rolloutEvent(o, BigInt(now()) * 1_000_000n, options.node));
  };

  const schedule = (id: string, t: Tracked) => {
    if (t.timer || stopped) return;
    t.timer = setTimeout(() => {
      t.timer = undefined;
      request([id]);
    }, t.delay);
    t.delay = Math.min(t.delay * 2, maxMs);
  };

  const judge = (o: RolloutObservation, t: Tracked): RolloutObservation => {
    if (o.settled || o.state !== '' || o.running !== o.desired) {
      t.quiet = undefined;
      return o;
    }
    const at = now();
    if (t.quiet && t.quiet.version === o.version && at - t.quiet.at >= confirmMs) return { ...o, settled: true };
    if (!t.quiet || t.quiet.version !== o.version) t.quiet = { version: o.version, at };
    return o;
  };

  const look = async (ids: string[]) => {
    const wanted = new Set(ids);
    const lists: unknown[][] = [];
    try {
      if (ids.length > CHUNK) lists.push(await options.engine.listServices({ status: true }));
      else lists.push(await options.engine.listServices({ status: true, filters: JSON.stringify({ id: ids }) }));
      failing = false;
    } catch (e) {
      if (!failing) options.onError(e);
      failing = true;
      return;
    }
    const out: Event[] = [];
    const found = new Set<string>();
    for (const raw of lists.flat()) {
      const o = observationOf(raw);
      // NOTE: the engine's id filter matches prefixes; only the services asked for count.
      if (!o || !wanted.has(o.service)) continue;
      found.add(o.service);
      const t = entry(o.service);
      const judged = judge(o, t);
      publish(judged, t, out);
      if (judged.settled) t.delay = followMs;
      else schedule(o.service, t);
    }
    for (const id of wanted) {
      if (found.has(id)) continue;
      const t = tracked.get(id);
      if (t?.last && t.last.state !== 'removed') publish(removedObservation(id, t.last.name, t.last.version), t, out);
      if (t?.timer) clearTimeout(t.timer);
      tracked.delete(id);
    }
    if (out.length > 0) options.emit(out);
  };

  const flush = () => {
    batchTimer = undefined;
    if (pending.size === 0 || stopped) return;
    const ids = [...pending];
    pending.clear();
    running = running.then(() => look(ids)).catch(options.onError);
  };

  const request = (ids: Iterable<string>) => {
    if (stopped) return;
    for (const id of ids) if (id !== '') pending.add(id);
    if (pending.size > 0 && !batchTimer) batchTimer = setTimeout(flush, batchMs);
  };

  return {
    observe(event) {
      if (event.type !== 'service' || event.scope !== 'swarm') return;
      if (event.action === 'remove') {
        // The listing will not find it: say so now, in the event's own order.
        request([event.actor.id]);
        return;
      }
      const t = entry(event.actor.id);
      t.delay = followMs;
      request([event.actor.id]);
    },
    touch: request,
    async stop() {
      stopped = true;
      if (batchTimer) clearTimeout(batchTimer);
      for (const t of tracked.values()) if (t.timer) clearTimeout(t.timer);
      await running;
    },
  };
};
