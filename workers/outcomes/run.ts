/**
 * The outcome tracker: joins audited service writes with the producer's rollout observations
 * (lib/events/rollout.ts) and publishes, once per write and service, an outcome record linked to the audit entry.
 *
 * Nothing it knows lives only in memory:
 * - at start it reads the history of the last two deadlines (audit entries, observations, outcomes already
 *   recorded), so a restart resumes every rollout still open;
 * - it consumes the bus in a group of its own and stores what it uses in the history before the batch counts as
 *   consumed (append is idempotent by id), so whatever the group committed is found again by that read;
 * - outcome ids are derived from the audit entry and the service, so deciding twice records once.
 * The bus partitions by actor, so with several instances an audit entry and its service's observations may reach
 * different ones: each instance re-reads the observations of its open rollouts from the history on every sweep.
 */
import type { EventBusClient } from '../../lib/events/event-bus.ts';
import type { Event } from '../../lib/events/event.ts';
import type { EventHistory, EventQuery } from '../../lib/events/event-history.ts';
import {
  decideOutcome, linksOf, observationFromEvent, OUTCOME_ACTION, outcomeEvent, outcomeId, ROLLOUT_TYPE, type RolloutLink, type RolloutObservation,
} from '../../lib/events/rollout.ts';
import { abortableSleep } from '../abortable-sleep.ts';

export const OUTCOMES_GROUP = 'audit-outcomes';
/** How long a rollout may run before its outcome is recorded as `past_deadline`. */
export const DEFAULT_ROLLOUT_DEADLINE_MS = 10 * 60_000;

export interface OutcomeTrackerOptions {
  bus: Pick<EventBusClient, 'consume' | 'publish'>;
  history: Pick<EventHistory, 'append' | 'range'>;
  signal: AbortSignal;
  group?: string;
  /** Default DEFAULT_ROLLOUT_DEADLINE_MS. */
  deadlineMs?: number;
  /** Period of the sweep that re-reads open rollouts and records deadlines. Default 5 s. */
  sweepMs?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
  onError?: (error: unknown) => void;
  /** First delay before retrying the start after a failure; doubles up to 5 s. Default 500 ms. */
  retryMs?: number;
  /** Called once it read the history and joined its group (for tests). */
  onStarted?: () => void;
  /** Called after outcome records were published (for tests and metrics). */
  onOutcomes?: (events: Event[]) => void;
}

interface OpenAudit {
  event: Event;
  links: RolloutLink[];
  time: bigint;
}

interface Seen {
  observation: RolloutObservation;
  time: bigint;
}

/** Skew allowed between the clocks of the function that audited and the producer that observed. */
const SKEW_NS = 60_000_000_000n;

/** Runs until `signal` aborts. */
export const runOutcomeTracker = async (options: OutcomeTrackerOptions): Promise<void> => {
  const { bus, history, signal } = options;
  const onError = options.onError ?? ((e) => console.error('outcomes:', e));
  const now = options.now ?? Date.now;
  const deadlineNs = BigInt(options.deadlineMs ?? DEFAULT_ROLLOUT_DEADLINE_MS) * 1_000_000n;
  const windowNs = 2n * deadlineNs;
  const nowNano = () => BigInt(now()) * 1_000_000n;

  const audits = new Map<string, OpenAudit>();
  const decided = new Set<string>();
  const observations = new Map<string, Map<string, Seen>>();
  /** Per service: the versions audited writes produced, with their audit time. */
  const writes = new Map<string, Map<number, bigint>>();

  const ingest = (events: readonly Event[]) => {
    const oldest = nowNano() - windowNs;
    for (const e of events) {
      if (e.type === 'audit' && e.action === OUTCOME_ACTION) {
        decided.add(e.id);
        continue;
      }
      const time = BigInt(e.timeNano);
      const o = observationFromEvent(e);
      if (o) {
        if (time < oldest) continue;
        let byId = observations.get(o.service);
        if (!byId) observations.set(o.service, (byId = new Map()));
        byId.set(e.id, { observation: o, time });
        continue;
      }
      const links = linksOf(e);
      if (links.length === 0 || time < oldest) continue;
      for (const l of links) {
        let w = writes.get(l.service);
        if (!w) writes.set(l.service, (w = new Map()));
        w.set(l.version, time);
      }
      if (!audits.has(e.id)) audits.set(e.id, { event: e, links, time });
    }
  };

  const readAll = async (query: EventQuery) => {
    let cursor: string | undefined;
    do {
      const page = await history.range({ ...query, limit: 1000, ...(cursor ? { cursor } : {}) });
      ingest(page.events);
      cursor = page.next;
    } while (cursor && !signal.aborted);
  };

  const open = () => [...audits.values()].filter((a) => a.links.some((l) => !decided.has(outcomeId(a.event.id, l.service))));

  // NOTE: outcomes are published beside the handler, never awaited in it: a bus that confirms a publish only once
  // every group consumed it (the memory bus) would otherwise wait on this very handler. A crash before they went
  // out loses nothing: the restart's read of the history finds the rollout open and decides it again.
  const unsent = new Map<string, Event>();
  let sending: Promise<void> | null = null;
  const send = () => {
    sending ??= (async () => {
      let delay = options.retryMs ?? 500;
      while (unsent.size > 0 && !signal.aborted) {
        const batch = [...unsent.values()];
        try {
          await bus.publish(batch);
        } catch (e) {
          onError(e);
          await abortableSleep(delay, signal);
          delay = Math.min(delay * 2, 5000);
          continue;
        }
        for (const e of batch) {
          unsent.delete(e.id);
          decided.add(e.id);
        }
        options.onOutcomes?.(batch);
      }
      sending = null;
    })();
  };

  const evaluate = async () => {
    const at = nowNano();
    const out: Event[] = [];
    for (const a of open()) {
      for (const link of a.links) {
        const id = outcomeId(a.event.id, link.service);
        if (decided.has(id) || unsent.has(id)) continue;
        const seen = [...(observations.get(link.service)?.values() ?? [])];
        const versions = writes.get(link.service) ?? new Map<number, bigint>();
        const later = [...versions.keys()].filter((v) => v > link.version);
        const decision = decideOutcome(link, a.event.action, a.time, seen.map((s) => s.observation), later, at, deadlineNs);
        if (!decision) continue;
        // The record's time is the moment the outcome became true, so deciding it again gives the same event.
        let time: bigint;
        if (decision.outcome === 'past_deadline') time = a.time + deadlineNs;
        else if (decision.outcome === 'superseded') time = versions.get(Math.min(...later)) ?? at;
        else time = seen.find((s) => s.observation === decision.observation)?.time ?? at;
        out.push(outcomeEvent(a.event, link, decision, time > a.time ? time : a.time + 1n));
      }
    }
    if (out.length === 0) return;
    for (const e of out) unsent.set(e.id, e);
    send();
  };

  const prune = () => {
    const oldest = nowNano() - windowNs;
    for (const [id, a] of audits) if (a.time < oldest) audits.delete(id);
    for (const byId of observations.values()) for (const [id, s] of byId) if (s.time < oldest) byId.delete(id);
    for (const [service, byId] of observations) if (byId.size === 0) observations.delete(service);
    for (const [service, w] of writes) {
      for (const [v, t] of w) if (t < oldest) w.delete(v);
      if (w.size === 0) writes.delete(service);
    }
  };

  // One thing at a time: a batch, a sweep.
  let chain: Promise<void> = Promise.resolve();
  const exclusive = (f: () => Promise<void>): Promise<void> => {
    const next = chain.then(f);
    chain = next.catch(() => {});
    return next;
  };

  const handler = (events: Event[]) =>
    exclusive(async () => {
      const relevant = events.filter((e) => (e.type === 'audit' && (e.action === OUTCOME_ACTION || linksOf(e).length > 0)) || e.type === ROLLOUT_TYPE);
      if (relevant.length === 0) return;
      await history.append(relevant);
      ingest(relevant);
      await evaluate();
    });

  const sweep = () =>
    exclusive(async () => {
      prune();
      const services = new Map<string, bigint>();
      for (const a of open()) for (const l of a.links) {
        const since = a.time - SKEW_NS;
        if (!services.has(l.service) || services.get(l.service)! > since) services.set(l.service, since);
      }
      for (const [service, since] of services) await readAll({ type: ROLLOUT_TYPE, actor: service, since });
      await evaluate();
    });

  let delay = options.retryMs ?? 500;
  let subscription: Awaited<ReturnType<typeof bus.consume>> | undefined;
  while (!signal.aborted && !subscription) {
    try {
      const since = nowNano() - windowNs;
      await readAll({ type: 'audit', since });
      await readAll({ type: ROLLOUT_TYPE, since });
      subscription = await bus.consume(options.group ?? OUTCOMES_GROUP, async (events) => {
        try {
          await handler(events);
        } catch (e) {
          onError(e);
          throw e;
        }
      });
    } catch (e) {
      onError(e);
      await abortableSleep(delay, signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
  if (!subscription) return;
  options.onStarted?.();
  const sweepMs = options.sweepMs ?? 5000;
  while (!signal.aborted) {
    await abortableSleep(sweepMs, signal);
    if (signal.aborted) break;
    await sweep().catch(onError);
  }
  await subscription.close();
  await chain;
  await sending;
};
