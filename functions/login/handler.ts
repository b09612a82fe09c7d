import type { Deps } from '../../lib/deps.ts';
import { AppError } from '../../lib/errors.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { clientAddress } from '../../lib/http/client-address.ts';
import { input } from '../../lib/http/input.ts';
import { isAllowedOrigin, setSessionCookie } from '../../lib/http/session.ts';
import { loginInput } from './schema.ts';

/** login: one answer for unknown users and wrong passwords, in the same time; 429 after repeated failures. */
export const login = (deps: Deps) =>
  functionApp().post('/', input(loginInput), async (c) => {
    const { username, password } = c.var.input;
    const origin = c.req.header('origin');
    if (origin && !isAllowedOrigin(origin, c.req.raw.headers, c.req.url, deps.http)) {
      throw new AppError('forbidden', 'Cross-origin login refused');
    }
    const client = clientAddress(c, deps.http);
    deps.loginThrottle.check(username, client);
    const user = await deps.users.get(username);
    const ok = await deps.passwords.verify(user?.passwordHash ?? null, password);
    if (!user || !ok) {
      deps.loginThrottle.failed(username, client);
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    deps.loginThrottle.succeeded(username, client);
    const { token, expiresAt } = await deps.tokens.issue({ username: user.username, tokenVersion: user.tokenVersion });
    setSessionCookie(c, token, deps.tokens.ttlSeconds, deps.http);
    return c.json({ token, expiresAt, user: { username: user.username, permissions: user.permissions } });
  });
