import { AppError } from '../../lib/errors.ts';
import { clientAddress } from '../../lib/http/client-address.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { deviceTokenFromCookie, isAllowedOrigin, isHttps, setDeviceCookie, setSessionCookie } from '../../lib/http/session.ts';
import { issuedTokenSchema, userPermissionsSchema } from '../../lib/users/schemas.ts';
import { loginInput } from './schema.ts';

/**
 * login: one answer for unknown users and wrong passwords, in the same time; 429 after repeated failures. A try
 * is reserved before the password is checked; a success sets the device cookie that exempts this browser from
 * the limits other clients run into (lib/auth/login-throttle.ts).
 */
export const login = defineFunction({
  name: 'login',
  summary: 'Log in; sets the session cookie',
  permission: null,
  readOnly: false,
  input: loginInput,
  output: issuedTokenSchema.extend({ user: userPermissionsSchema }),
  async handler({ input: { username, password }, c }, deps) {
    const origin = c.req.header('origin');
    if (origin && !isAllowedOrigin(origin, c.req.raw.headers, c.req.url, deps.http)) {
      throw new AppError('forbidden', 'Cross-origin login refused');
    }
    const client = clientAddress(c, deps.http);
    const deviceToken = deviceTokenFromCookie(c.req.header('cookie'), isHttps(c.req.raw.headers, c.req.url, deps.http));
    const check = await deps.loginThrottle.reserve({ username, client, deviceToken });
    const user = await deps.users.get(username);
    const ok = await deps.passwords.verify(user?.passwordHash ?? null, password);
    if (!user || !ok) {
      check.failed();
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    const device = await check.succeeded();
    const { token, expiresAt, maxAgeSeconds } = await deps.tokens.issue({ username: user.username, accountId: user.id, tokenVersion: user.tokenVersion });
    setSessionCookie(c, token, maxAgeSeconds, deps.http);
    setDeviceCookie(c, device.deviceToken, device.maxAgeSeconds, deps.http);
    return { token, expiresAt, user: { username: user.username, permissions: user.permissions } };
  },
});
