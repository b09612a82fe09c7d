import type { Deps } from '../../lib/deps.ts';
import { AppError } from '../../lib/errors.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { setSessionCookie } from '../../lib/http/session.ts';
import { changePasswordInput } from './schema.ts';

/** change-password: a new token comes back; every older token stops working (the version bumps). */
export const changePassword = (deps: Deps) =>
  functionApp().post('/', authenticated(deps), audited(deps, 'user.change-password', 'user'), input(changePasswordInput), async (c) => {
    const { currentPassword, newPassword } = c.var.input;
    const { username } = c.var.principal;
    const user = await deps.users.get(username);
    if (!user || !(await deps.passwords.verify(user.passwordHash, currentPassword))) {
      throw new AppError('invalid_credentials', 'The current password is wrong');
    }
    const tokenVersion = await deps.users.setPassword(username, await deps.passwords.hash(newPassword));
    if (tokenVersion === null) throw new AppError('unauthenticated', 'Session ended; log in again');
    const { token, expiresAt } = await deps.tokens.issue({ username, tokenVersion });
    setSessionCookie(c, token, deps.tokens.ttlSeconds, deps.http);
    return c.json({ token, expiresAt });
  });
