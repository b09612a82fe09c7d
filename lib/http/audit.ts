/**
 * Audit: every state-changing function records who did what, the state before and after, and the
 * result, as an event on the same bus as Docker's (readable with events.read only).
 * Handlers add the detail with `c.set('audit', …)`; failures are recorded with their error code.
 */
import { createMiddleware } from 'hono/factory';
import { auditEvent } from '../events/audit.ts';
import type { Deps } from '../deps.ts';
import { isAppError } from '../errors.ts';
import type { AuthEnv } from './auth.ts';

export interface AuditDetail {
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

export type AuditEnv = AuthEnv & { Variables: { audit: AuditDetail; input: unknown } };

/** Place after `authenticated(…)`: `action` like `service.update`, `targetType` like `service`. */
export function audited(deps: Pick<Deps, 'events'>, action: string, targetType: string) {
  return createMiddleware<AuditEnv>(async (c, next) => {
    await next();
    const detail = c.get('audit') ?? {};
    const input = (c.get('input') ?? {}) as { id?: unknown; username?: unknown; name?: unknown };
    const targetId = detail.targetId ?? [input.id, input.username, input.name].find((v) => typeof v === 'string') ?? '';
    const error = c.error ? (isAppError(c.error) ? c.error.code : 'internal_error') : c.res.status >= 400 ? String(c.res.status) : undefined;
    const event = auditEvent({
      actor: c.var.principal.username,
      action,
      target: { type: targetType, id: String(targetId) },
      ...(detail.before === undefined ? {} : { before: detail.before }),
      ...(detail.after === undefined ? {} : { after: detail.after }),
      result: error ? 'failure' : 'success',
      ...(error ? { error } : {}),
    });
    try {
      await deps.events.publish([event]);
    } catch (e) {
      // NOTE: the change itself is done; a lost audit record is logged loudly rather than failing the answer.
      console.error(JSON.stringify({ level: 'error', msg: 'audit event not published', action, error: String(e) }));
    }
  });
}
