import { defineFunction } from '../../lib/http/function-definition.ts';
import { clearSessionCookie } from '../../lib/http/session.ts';

/**
 * logout: ends the session. Tokens are stateless, so it bumps the user's token version: every token
 * of this user stops working at once (ASVS 7.4.1), in every browser and script.
 */
export const logout = defineFunction({
  name: 'logout',
  summary: 'End every session of the current user',
  permission: 'any',
  readOnly: false,
  input: null,
  output: null,
  audit: { action: 'user.logout', target: 'user' },
  async handler({ principal, audit, c }, deps) {
    audit({ targetId: principal.username });
    await deps.users.endSessions(principal.username);
    clearSessionCookie(c, deps.http);
  },
});
