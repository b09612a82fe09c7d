import type { Deps } from '../../lib/deps.ts';
import { AppError } from '../../lib/errors.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { assertMayDelete } from '../../lib/users/rules.ts';
import { deleteUserInput } from './schema.ts';

/** delete-user: the user's tokens die with it (the authenticator finds no user). */
export const deleteUser = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'users.write'), audited(deps, 'user.delete', 'user'), input(deleteUserInput), async (c) => {
    const { username } = c.var.input;
    await assertMayDelete(c.var.principal, username, deps.users);
    if (!(await deps.users.delete(username))) throw new AppError('not_found', `No user ${username}`);
    return c.body(null, 204);
  });
