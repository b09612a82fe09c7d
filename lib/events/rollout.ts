/**
 * Rollout outcomes: how the rollout a service write started ended, recorded against that write's audit entry.
 *
 * - The producer observes each service after its engine events (`GET /services?status=true`: UpdateStatus,
 *   Version, running and desired tasks) and publishes what it saw as `rollout` events (`rolloutEvent`).
 * - An audited service write names, in its audit entry's `rollouts` attribute, each service it wrote and the
 *   version the write produced (`RolloutLink`).
 * - The outcome tracker (workers/outcomes/run.ts) joins the two: the first settled observation of that service at
 *   or after the written version decides the outcome (`decideOutcome`), published as an `audit` event of action
 *   `service.outcome` that names the audit entry (`outcomeEvent`).
 *
 * Why versions: every write to a swarm service raises its Version.Index, and the engine resets UpdateStatus on a
 * spec write, so a state seen at or after the written version belongs to that write's rollout (or to a later
 * write, which then supersedes it).
 */
import { createHash } from 'node:crypto';
import { formatTimeNano, isTimeIndependent } from './docker-event.ts';
import type { Event } from './event.ts';

/** The event type of a producer's observation of a service's rollout. */
export const ROLLOUT_TYPE = 'rollout';
/** The audit action of an outcome record. */
export const OUTCOME_ACTION = 'service.outcome';
/** Audit actions of the writes whose rollouts are followed. */
export const ROLLOUT_ACTIONS: ReadonlySet<string> = new Set([
  'service.create', 'service.update', 'service.scale', 'service.restart', 'service.rollback', 'stack.deploy',
]);

/** UpdateStatus states that end a rollout (Engine API `UpdateStatus.State`). */
const FINAL_STATES: ReadonlySet<string> = new Set(['completed', 'paused', 'rollback_completed', 'rollback_paused']);

/** What one look at a service showed. `state` is UpdateStatus.State, `''` without one, `removed` once gone. */
export interface RolloutObservation {
  service: string;
  name: string;
  version: number;
  state: string;
  message: string;
  running: number;
  desired: number;
  /** The rollout is over: a final UpdateStatus, the service gone, or no update under way and every task up. */
  settled: boolean;
}

/** A service an audited write touched, and the version the write produced (0 for a create). */
export interface RolloutLink {
  service: string;
  name?: string;
  version: number;
}

export type Outcome = 'completed' | 'paused' | 'rolled_back' | 'rollback_paused' | 'removed' | 'superseded' | 'past_deadline';

export interface OutcomeDecision {
  outcome: Outcome;
  /** The observation that decided it, when one did (absent for superseded; the last seen for past_deadline). */
  observation?: RolloutObservation;
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);

/**
 * Whether a stored event must be kept once per id, whatever its time: a swarm `remove`, and the rollout and
 * outcome events, whose ids name what was seen while their time is when (a restarted producer or tracker
 * publishes the same observation again, later).
 */
export const storedOncePerId = (e: Pick<Event, 'scope' | 'action' | 'type'>): boolean =>
  isTimeIndependent(e) || e.type === ROLLOUT_TYPE || (e.type === 'audit' && e.action === OUTCOME_ACTION);

/** Whether the engine's UpdateStatus state ends a rollout. */
export const isFinalState = (state: string): boolean => FINAL_STATES.has(state);

/**
 * One service of `GET /services?status=true` as an observation, or null without an id. A state-less service is
 * not called settled here: only a second look confirms that no update is about to start (the watch does).
 */
export const observationOf = (raw: unknown): RolloutObservation | null => {
  const s = record(raw);
  const id = str(s.ID);
  if (id === '') return null;
  const update = record(s.UpdateStatus);
  const status = record(s.ServiceStatus);
  const state = str(update.State);
  return {
    service: id,
    name: str(record(s.Spec).Name),
    version: int(record(s.Version).Index),
    state,
    message: str(update.Message),
    running: int(status.RunningTasks),
    desired: int(status.DesiredTasks),
    settled: isFinalState(state),
  };
};

/** The observation that a service no longer exists. */
export const removedObservation = (service: string, name: string, version: number): RolloutObservation => ({
  service, name, version, state: 'removed', message: 'the service was removed', running: 0, desired: 0, settled: true,
});

/** Whether two looks at a service tell the same (what the watch publishes only once). */
export const sameObservation = (a: RolloutObservation, b: RolloutObservation): boolean =>
  a.version === b.version && a.state === b.state && a.running === b.running && a.desired === b.desired && a.settled === b.settled;

/**
 * The `rollout` event of an observation, seen at `timeNano` by `node`. Its id depends only on what was seen, so
 * two managers observing the same state publish one event.
 */
export const rolloutEvent = (o: RolloutObservation, timeNano: bigint, node?: string): Event => {
  const id = createHash('sha256')
    .update(JSON.stringify(['rollout', o.service, o.version, o.state, o.running, o.desired, o.settled]))
    .digest('hex');
  const t = timeNano.toString();
  return {
    id,
    time: formatTimeNano(t),
    timeNano: t,
    type: ROLLOUT_TYPE,
    action: o.state === '' ? 'none' : o.state,
    actor: {
      id: o.service,
      attributes: {
        name: o.name, version: String(o.version), state: o.state, message: o.message,
        running: String(o.running), desired: String(o.desired), settled: String(o.settled),
      },
    },
    scope: 'swarm',
    ...(node ? { node } : {}),
  };
};

/** The observation a `rollout` event carries, or null for any other event. */
export const observationFromEvent = (e: Event): RolloutObservation | null => {
  if (e.type !== ROLLOUT_TYPE) return null;
  const a = e.actor.attributes;
  const version = Number(a.version);
  if (!Number.isSafeInteger(version)) return null;
  return {
    service: e.actor.id, name: a.name ?? '', version, state: a.state ?? '', message: a.message ?? '',
    running: Number(a.running) || 0, desired: Number(a.desired) || 0, settled: a.settled === 'true',
  };
};

/** The links of an audit entry (its `rollouts` attribute), or none when it started no rollout. */
export const linksOf = (e: Event): RolloutLink[] => {
  if (e.type !== 'audit' || !ROLLOUT_ACTIONS.has(e.action) || e.actor.attributes.result !== 'success') return [];
  const raw = e.actor.attributes.rollouts;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((l) => {
    const r = record(l);
    const service = str(r.service);
    const version = r.version;
    if (service === '' || typeof version !== 'number' || !Number.isSafeInteger(version)) return [];
    return [{ service, version, ...(typeof r.name === 'string' ? { name: r.name } : {}) }];
  });
};

const outcomeOfState = (state: string, action: string): Outcome => {
  switch (state) {
    case 'paused':
      return 'paused';
    // A rollback the user asked for ends in rollback_completed: that is its success.
    case 'rollback_completed':
      return action === 'service.rollback' ? 'completed' : 'rolled_back';
    case 'rollback_paused':
      return 'rollback_paused';
    case 'removed':
      return 'removed';
    default:
      return 'completed';
  }
};

/**
 * The outcome of the rollout `link` started (by an audit entry of `action` at `writtenNano`), or null while it
 * is still running within `deadlineNs`.
 * - `observations`: what was seen of the service, in any order; the settled one with the lowest version at or
 *   after `link.version` decides.
 * - `laterWrites`: versions of other audited writes to that service; the first above `link.version` bounds the
 *   rollout (what is seen from it on belongs to that write, and this one was superseded).
 */
export const decideOutcome = (
  link: RolloutLink,
  action: string,
  writtenNano: bigint,
  observations: readonly RolloutObservation[],
  laterWrites: readonly number[],
  nowNano: bigint,
  deadlineNs: bigint,
): OutcomeDecision | null => {
  const bound = laterWrites.filter((v) => v > link.version).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const mine = observations.filter((o) => o.service === link.service && o.version >= link.version && o.version < bound);
  const settled = mine.filter((o) => o.settled).sort((a, b) => a.version - b.version)[0];
  if (settled) return { outcome: outcomeOfState(settled.state, action), observation: settled };
  if (Number.isFinite(bound)) return { outcome: 'superseded' };
  if (nowNano - writtenNano >= deadlineNs) {
    const last = mine.slice().sort((a, b) => b.version - a.version || b.running - a.running)[0];
    return { outcome: 'past_deadline', ...(last ? { observation: last } : {}) };
  }
  return null;
};

/** The id of the outcome record of `auditId` for `service`: one per audit entry and service, however often decided. */
export const outcomeId = (auditId: string, service: string): string =>
  createHash('sha256').update(JSON.stringify(['outcome', auditId, service])).digest('hex');

/**
 * The outcome record: an `audit` event of action `service.outcome` by the same user as the audit entry, naming it
 * (`audit`, `audit.action`) and the service, with the engine's last word (`state`, `message`, `version`).
 */
export const outcomeEvent = (audit: Event, link: RolloutLink, decision: OutcomeDecision, timeNano: bigint): Event => {
  const o = decision.observation;
  const name = link.name ?? o?.name ?? '';
  const attributes: Record<string, string> = {
    username: audit.actor.attributes.username ?? audit.actor.id,
    audit: audit.id,
    'audit.action': audit.action,
    target: `service:${link.service}`,
    'target.type': 'service',
    'target.id': link.service,
    outcome: decision.outcome,
    version: String(link.version),
  };
  if (name) attributes.service = name;
  if (o) {
    attributes.state = o.state;
    attributes.message = o.message;
    attributes.running = String(o.running);
    attributes.desired = String(o.desired);
    attributes['observed.version'] = String(o.version);
  }
  const t = timeNano.toString();
  return {
    id: outcomeId(audit.id, link.service),
    time: formatTimeNano(t),
    timeNano: t,
    type: 'audit',
    action: OUTCOME_ACTION,
    actor: { id: audit.actor.id, attributes },
    scope: 'audit',
    ...(audit.node ? { node: audit.node } : {}),
  };
};
