import { AppError } from '../../lib/errors.ts';
import { clientAddress } from '../../lib/http/client-address.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { setSessionCookie } from '../../lib/http/session.ts';
import { issuedTokenSchema } from '../../lib/users/schemas.ts';
import { changePasswordInput } from './schema.ts';

/**
 * change-password: a new token comes back; every older token stops working (the version bumps). Checks of the
 * current password are throttled per account, so a stolen session cannot guess it.
 */
export const changePassword = defineFunction({
  name: 'change-password',
  summary: 'Change the password; older tokens stop working',
  permission: 'any',
  readOnly: false,
  input: changePasswordInput,
  output: issuedTokenSchema,
  audit: { action: 'user.change-password', target: 'user' },
  async handler({ input: { currentPassword, newPassword }, principal: { username, apiToken }, audit, c }, deps) {
    audit({ targetId: username });
    // A leaked automation token must not be able to take the account over.
    if (apiToken) throw new AppError('forbidden', 'An API token cannot change the password; log in as the user');
    const check = await deps.loginThrottle.reserve({ username, client: clientAddress(c, deps.http), purpose: 'change-password' });
    const user = await deps.users.get(username);
    if (!user || !(await deps.passwords.verify(user.passwordHash, currentPassword))) {
      check.failed();
      throw new AppError('invalid_credentials', 'The current password is wrong');
    }
    await check.succeeded();
    const tokenVersion = await deps.users.setPassword(username, await deps.passwords.hash(newPassword));
    if (tokenVersion === null) throw new AppError('unauthenticated', 'Session ended; log in again');
    const { token, expiresAt, maxAgeSeconds } = await deps.tokens.issue({ username, accountId: user.id, tokenVersion });
    setSessionCookie(c, token, maxAgeSeconds, deps.http);
    return { token, expiresAt };
  },
});
