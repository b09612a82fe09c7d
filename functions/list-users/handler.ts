import type { Deps } from '../../lib/deps.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { noInput } from '../../lib/http/input.ts';

/** list-users: never a password or a hash. */
export const listUsers = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps, 'users.read'), noInput, async (c) => {
    const users = await deps.users.list();
    return c.json({ users: users.map(({ username, permissions, createdAt }) => ({ username, permissions, createdAt })) });
  });
