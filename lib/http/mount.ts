/**
 * The one mounter: a function definition becomes a Hono app answering at `/`. Local mode mounts every
 * app at /function/<name>; the OpenFaaS entry serves one. The order is fixed here: method, authentication
 * and permission, then (audited) input parsing with the body-size limit and the handler; errors map to
 * the contract's shape in the shared error handler.
 */
import type { Context } from 'hono';
import type { Deps } from '../deps.ts';
import type { AuditDetail } from './audit.ts';
import { publishAudit } from './audit.ts';
import { authenticateRequest, slideSession, type Authenticated } from './auth.ts';
import { functionApp } from './function-app.ts';
import type { AnyFunctionDefinition } from './function-definition.ts';
import { readInput } from './input.ts';

function reply(c: Context, value: unknown, status: 200 | 201 | 204): Response {
  if (value instanceof Response) return value;
  if (status === 204 || value === undefined) return c.body(null, 204);
  return c.json(value, status);
}

export function mountFunction(definition: AnyFunctionDefinition, deps: Deps) {
  const status = definition.status ?? (definition.output === null ? 204 : 200);
  const run = async (c: Context, auth: Authenticated | undefined, detail: AuditDetail, parsed: { input?: unknown }) => {
    const input = await readInput(c.req.raw, definition.input);
    parsed.input = input;
    const call = { input, principal: auth?.principal, audit: (d: AuditDetail) => Object.assign(detail, d), c };
    return reply(c, await definition.handler(call, deps), status);
  };
  return functionApp().on(definition.readOnly ? ['GET', 'POST'] : ['POST'], '/', async (c) => {
    const auth = definition.permission === null ? undefined : await authenticateRequest(c, deps, definition.permission, definition.scoped === true);
    const detail: AuditDetail = {};
    const parsed: { input?: unknown } = {};
    let response: Response;
    if (definition.audit && auth) {
      const { action, target } = definition.audit;
      const record = (error: unknown) => publishAudit(deps, { actor: auth.principal.username, action, targetType: target, detail, input: parsed.input, error });
      try {
        response = await run(c, auth, detail, parsed);
      } catch (e) {
        await record(e);
        throw e;
      }
      await record(response.status >= 400 ? new Error(String(response.status)) : undefined);
    } else {
      response = await run(c, auth, detail, parsed);
    }
    c.res = response;
    if (auth) await slideSession(c, deps, auth);
    return c.res;
  });
}
