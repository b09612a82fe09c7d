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
  /** An error code or message when `result` is `failure`. */
  error?: string;
  /** Defaults to now. */
  timeNano?: bigint;
  node?: string;
  /** Defaults to 16 random bytes: two identical actions are two events. Inject to make ids predictable in tests. */
  nonce?: string;
}

const nowNano = (): bigint => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);

/**
 * An audit Event. Its actor id is the username, so list-events' `actor` filter answers "what did alice do".
 * Attributes are strings: `username`, `target.type`, `target.id`, `target` (`<type>:<id>`), `result`, and when
 * given `before`/`after` (JSON) and `error`.
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
  if (input.before !== undefined) attributes.before = JSON.stringify(input.before);
  if (input.after !== undefined) attributes.after = JSON.stringify(input.after);
  if (input.error !== undefined) attributes.error = input.error;
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
