import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { noInput } from '../../lib/http/input.ts';
import { clearSessionCookie } from '../../lib/http/session.ts';

/**
 * logout: ends the session. Tokens are stateless, so it bumps the user's token version: every token
 * of this user stops working at once (ASVS 7.4.1), in every browser and script.
 */
export const logout = (deps: Deps) =>
  functionApp().post('/', authenticated(deps), audited(deps, 'user.logout', 'user'), noInput, async (c) => {
    await deps.users.endSessions(c.var.principal.username);
    clearSessionCookie(c, deps.http);
    return c.body(null, 204);
  });
