import type { Deps } from '../../lib/deps.ts';
import { AppError } from '../../lib/errors.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { assertMayGrant } from '../../lib/users/rules.ts';
import { permissionChangeInput } from './schema.ts';

export const grantPermission = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'users.write'), audited(deps, 'user.grant', 'user'), input(permissionChangeInput), async (c) => {
    const { username, permission } = c.var.input;
    assertMayGrant(c.var.principal, [permission]);
    const user = await deps.users.addPermission(username, permission);
    if (!user) throw new AppError('not_found', `No user ${username}`);
    c.set('audit', { after: { permissions: user.permissions } });
    return c.json({ username: user.username, permissions: user.permissions });
  });
