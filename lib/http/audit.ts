/**
 * Audit: every state-changing function records who did what, the state before and after, and the
 * result, as an event on the same bus as Docker's (readable with events.read only). The mounter records
 * it around input parsing and the handler; handlers add detail through `call.audit(…)`.
 */
import { auditEvent } from '../events/audit.ts';
import type { Deps } from '../deps.ts';
import { isAppError } from '../errors.ts';

export interface AuditDetail {
  targetId?: string;
  before?: unknown;
  after?: unknown;
  /** Services whose rollout the write started, with the version it produced; kept only when the write succeeded. */
  rollouts?: Array<{ service: string; name?: string; version: number }>;
}

export interface AuditRecord {
  actor: string;
  action: string;
  targetType: string;
  detail: AuditDetail;
  /** The parsed input, if parsing got that far: its `id`, `username` or `name` names the target. */
  input: unknown;
  /** The error the function ended with, if any. */
  error: unknown;
}

/** Publishes the audit event; never throws (the change itself is done, a lost record is logged loudly). */
export async function publishAudit(deps: Pick<Deps, 'events'>, record: AuditRecord): Promise<void> {
  const { detail } = record;
  const input = (record.input ?? {}) as { id?: unknown; username?: unknown; name?: unknown };
  const targetId = detail.targetId ?? [input.id, input.username, input.name].find((v) => typeof v === 'string') ?? '';
  const error = record.error === undefined ? undefined : isAppError(record.error) ? record.error.code : 'internal_error';
  const event = auditEvent({
    actor: record.actor,
    action: record.action,
    target: { type: record.targetType, id: String(targetId) },
    ...(detail.before === undefined ? {} : { before: detail.before }),
    ...(detail.after === undefined ? {} : { after: detail.after }),
    result: error ? 'failure' : 'success',
    ...(error ? { error } : {}),
    ...(!error && detail.rollouts ? { rollouts: detail.rollouts } : {}),
  });
  try {
    await deps.events.publish([event]);
  } catch (e) {
    console.error(JSON.stringify({ level: 'error', msg: 'audit event not published', action: record.action, error: String(e) }));
  }
}
