/**
 * Docker `/events` messages → the contract's Event, and the time bounds shared by list-events and the relay.
 * Engine semantics that shape it: since is inclusive, timeNano is not unique, a swarm remove carries each manager's own clock.
 */
import { createHash } from 'node:crypto';
import { invalidField } from '../errors.ts';
import type { Event } from './event.ts';

const SCOPES = new Set(['local', 'swarm']);
const MAX_INT64 = 9223372036854775807n;
const NS_PER_MS = 1_000_000n;

/**
 * A deterministic event id: sha256 over scope, type, action, actor id, timeNano and the sorted attributes,
 * so the same event seen by several producers, or replayed after a reconnect, keeps one id.
 */
export const eventId = (e: Omit<Event, 'id' | 'time' | 'node'>): string => {
  const attrs = Object.keys(e.actor.attributes)
    .sort()
    .map((k) => [k, e.actor.attributes[k]]);
  // NOTE: a swarm `remove` carries time.Now() of whichever manager emitted it, so two managers report one removal
  // with two timeNanos (moby daemon/events.go, logServiceEvent). Its identity leaves the time out; an object id
  // is removed only once. Every other event keeps timeNano, because create/update share the leader's timestamp.
  const timeInIdentity = isTimeIndependent(e) ? '' : e.timeNano;
  return createHash('sha256')
    .update(JSON.stringify([e.scope, e.type, e.action, e.actor.id, timeInIdentity, attrs]))
    .digest('hex');
};

/** True for events whose id leaves the time out (swarm `remove`): stores dedupe them by id alone. */
export const isTimeIndependent = (e: Pick<Event, 'scope' | 'action'>): boolean =>
  e.scope === 'swarm' && e.action === 'remove';

/** RFC 3339 with nanoseconds, in UTC, for a decimal nanosecond count. */
export const formatTimeNano = (timeNano: bigint | string): string => {
  const ns = BigInt(timeNano);
  const seconds = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDecimal = (v: string): boolean => /^[0-9]{1,19}$/.test(v) && BigInt(v) <= MAX_INT64;

/**
 * Converts one message of the engine's `GET /events` stream. Returns null for anything that is not a
 * well-formed event (missing fields, wrong types): hostile input is dropped, never thrown.
 */
export const fromDockerEvent = (message: unknown, node?: string): Event | null => {
  if (!isRecord(message)) return null;
  const type = message.Type;
  const action = message.Action;
  const actor = message.Actor;
  const scope = message.scope ?? 'local';
  if (typeof type !== 'string' || type === '' || type.length > 64) return null;
  if (typeof action !== 'string' || action === '' || action.length > 256) return null;
  if (typeof scope !== 'string' || !SCOPES.has(scope)) return null;
  if (!isRecord(actor) || typeof actor.ID !== 'string' || actor.ID.length > 512) return null;
  const rawTime = message.timeNano;
  let timeNano: string;
  if (typeof rawTime === 'number' && Number.isSafeInteger(rawTime) && rawTime >= 0) timeNano = String(rawTime);
  else if (typeof rawTime === 'string' && isDecimal(rawTime)) timeNano = BigInt(rawTime).toString();
  else if (typeof rawTime === 'bigint' && rawTime >= 0n && rawTime <= MAX_INT64) timeNano = rawTime.toString();
  else return null;
  const attributes: Record<string, string> = {};
  if (actor.Attributes !== undefined && actor.Attributes !== null) {
    if (!isRecord(actor.Attributes)) return null;
    for (const [k, v] of Object.entries(actor.Attributes)) {
      if (typeof v !== 'string') return null;
      attributes[k] = v;
    }
  }
  const base = { timeNano, type, action, actor: { id: actor.ID, attributes }, scope: scope as Event['scope'] };
  const event: Event = { id: eventId(base), time: formatTimeNano(timeNano), ...base };
  if (node !== undefined) event.node = node;
  return event;
};

/**
 * Parses one line of the engine's `/events` stream. `timeNano` (≈1.8e18) does not fit a JS number, so it is
 * quoted before JSON.parse and kept exact. Returns undefined for a line that is not JSON.
 */
export const parseEventLine = (line: string): unknown => {
  try {
    return JSON.parse(line.replace(/("timeNano"\s*:\s*)(-?[0-9]+)/, '$1"$2"'));
  } catch {
    return undefined;
  }
};

const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/;

/**
 * Parses a `since`/`until` bound: RFC 3339 (fraction up to nanoseconds, any offset) or a decimal nanosecond
 * count. Returns nanoseconds since the epoch; throws AppError('validation_failed') naming `field` otherwise.
 */
export const parseTimeBound = (value: string, field = 'time'): bigint => {
  const invalid = () => invalidField(field, 'expected RFC 3339 or a decimal nanosecond count');
  if (typeof value !== 'string') throw invalid();
  if (/^[0-9]+$/.test(value)) {
    if (value.length > 19 || BigInt(value) > MAX_INT64) throw invalid();
    return BigInt(value);
  }
  const m = RFC3339.exec(value);
  if (!m) throw invalid();
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m.map((x) => x ?? '');
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== +y! ||
    check.getUTCMonth() !== +mo! - 1 ||
    check.getUTCDate() !== +d! ||
    +h! > 23 ||
    +mi! > 59 ||
    +s! > 59 ||
    +oh! > 23 ||
    +om! > 59
  ) {
    throw invalid();
  }
  const offsetMinutes = sign === '' ? 0 : (sign === '-' ? -1 : 1) * (+oh! * 60 + +om!);
  const ns = (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * NS_PER_MS + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (ns < 0n || ns > MAX_INT64) throw invalid();
  return ns;
};
