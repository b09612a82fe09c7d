/**
 * Audit events: who changed what, the state before and after, and the result. They travel on the same bus and
 * land in the same history as Docker's events, with scope and type `audit`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { formatTimeNano } from './docker-event.ts';
import type { Event } from './event.ts';

export interface AuditInput {
  /** The username who acted. */
  actor: string;
  /** What was done, e.g. `service.update`, `user.grant`. */
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  result: 'success' | 'failure';
  /** The services a successful write started a rollout of, each with the version the write produced (./rollout.ts). */
  rollouts?: ReadonlyArray<{ service: string; name?: string; version: number }>;
  /** An error code or message when `result` is `failure`. */
  error?: string;
  /** Defaults to now. */
  timeNano?: bigint;
  node?: string;
  /** Defaults to 16 random bytes: two identical actions are two events. Inject to make ids predictable in tests. */
  nonce?: string;
}

/** In `before`: a value the history does not keep. */
export const REDACTED = '(hidden)';
/** In `after`: the value is the same as before, or it changed (or is new); neither is kept. */
export const UNCHANGED = '(unchanged)';
export const CHANGED = '(changed)';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
// Keys whose content is secret wherever they appear: a secret's or config's data.
const DATA_KEYS = new Set(['data', 'Data']);
const MAX_DEPTH = 32;

const envPairs = (env: unknown): Map<string, string | undefined> => {
  const pairs = new Map<string, string | undefined>();
  if (Array.isArray(env)) {
    for (const entry of env) {
      if (typeof entry !== 'string') continue;
      const at = entry.indexOf('=');
      pairs.set(at < 0 ? entry : entry.slice(0, at), at < 0 ? undefined : entry.slice(at + 1));
    }
  } else if (isRecord(env)) {
    for (const [k, v] of Object.entries(env)) pairs.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return pairs;
};

/** An environment (Engine `Env: ["K=V"]` or ServiceInput `env: {K: V}`) with each value replaced by `mark(name, value)`. */
function redactEnv(env: unknown, mark: (name: string, value: string | undefined) => string): unknown {
  if (Array.isArray(env)) {
    return env.map((entry) => {
      if (typeof entry !== 'string') return REDACTED;
      const at = entry.indexOf('=');
      return at < 0 ? entry : `${entry.slice(0, at)}=${mark(entry.slice(0, at), entry.slice(at + 1))}`;
    });
  }
  if (isRecord(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, mark(k, typeof v === 'string' ? v : JSON.stringify(v))]));
  return env === undefined ? undefined : REDACTED;
}

/**
 * `before` and `after` as the history keeps them: environment values (`Env`, `env`) and secret or config data
 * (`data`, `Data`) are never stored. Names stay, and each variable of `after` says whether it changed:
 * `K=(unchanged)` or `K=(changed)` (new or different), while `before` holds `K=(hidden)`.
 */
export function redactChange(before: unknown, after: unknown, depth = 0): [unknown, unknown] {
  const container = (v: unknown) => Array.isArray(v) || isRecord(v);
  if (!container(before) && !container(after)) return [before, after];
  if (depth > MAX_DEPTH) return [before === undefined ? undefined : REDACTED, after === undefined ? undefined : REDACTED];
  // Two sides of different shapes share nothing to compare: each is redacted on its own.
  const shape = (v: unknown) => (Array.isArray(v) ? 'array' : isRecord(v) ? 'object' : 'other');
  if (before !== undefined && after !== undefined && shape(before) !== shape(after)) {
    return [redactChange(before, undefined, depth + 1)[0], redactChange(undefined, after, depth + 1)[1]];
  }
  if (Array.isArray(before) || Array.isArray(after)) {
    const b = Array.isArray(before) ? before : [];
    const a = Array.isArray(after) ? after : [];
    const pairs = Array.from({ length: Math.max(b.length, a.length) }, (_, i) => redactChange(b[i], a[i], depth + 1));
    return [before === undefined ? undefined : pairs.slice(0, b.length).map((p) => p[0]), after === undefined ? undefined : pairs.slice(0, a.length).map((p) => p[1])];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const out: [Json, Json] = [{}, {}];
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const bv = b[key];
    const av = a[key];
    let pair: [unknown, unknown];
    if (key === 'Env' || key === 'env') {
      const old = envPairs(bv);
      pair = [redactEnv(bv, () => REDACTED), redactEnv(av, (name, value) => (old.has(name) && old.get(name) === value ? UNCHANGED : CHANGED))];
    } else if (DATA_KEYS.has(key)) {
      pair = [bv === undefined ? undefined : REDACTED, av === undefined ? undefined : REDACTED];
    } else {
      pair = redactChange(bv, av, depth + 1);
    }
    if (Object.hasOwn(b, key)) out[0][key] = pair[0];
    if (Object.hasOwn(a, key)) out[1][key] = pair[1];
  }
  return [before === undefined ? undefined : out[0], after === undefined ? undefined : out[1]];
}

const nowNano = (): bigint => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);

/**
 * An audit Event. Its actor id is the username, so list-events' `actor` filter answers "what did alice do".
 * Attributes are strings: `username`, `target.type`, `target.id`, `target` (`<type>:<id>`), `result`, and when
 * given `before`/`after` (JSON, with environment values and secret data redacted: see `redactChange`), `error`
 * and `rollouts` (JSON `[{service, name?, version}]`: what the outcome tracker follows).
 */
export const auditEvent = (input: AuditInput): Event => {
  const timeNano = (input.timeNano ?? nowNano()).toString();
  const attributes: Record<string, string> = {
    username: input.actor,
    target: `${input.target.type}:${input.target.id}`,
    'target.type': input.target.type,
    'target.id': input.target.id,
    result: input.result,
  };
  const [before, after] = redactChange(input.before, input.after);
  if (input.before !== undefined) attributes.before = JSON.stringify(before);
  if (input.after !== undefined) attributes.after = JSON.stringify(after);
  if (input.error !== undefined) attributes.error = input.error;
  if (input.rollouts !== undefined && input.rollouts.length > 0) attributes.rollouts = JSON.stringify(input.rollouts);
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const actorId = input.actor;
  const id = createHash('sha256')
    .update(JSON.stringify(['audit', input.action, actorId, timeNano, nonce]))
    .digest('hex');
  const event: Event = {
    id,
    time: formatTimeNano(timeNano),
    timeNano,
    type: 'audit',
    action: input.action,
    actor: { id: actorId, attributes },
    scope: 'audit',
  };
  if (input.node !== undefined) event.node = input.node;
  return event;
};
