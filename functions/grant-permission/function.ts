import { AppError } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { assertMayGrant } from '../../lib/users/rules.ts';
import { userPermissionsSchema } from '../../lib/users/schemas.ts';
import { permissionChangeInput } from './schema.ts';

export const grantPermission = defineFunction({
  name: 'grant-permission',
  summary: 'Grant a permission (idempotent)',
  permission: 'users.write',
  readOnly: false,
  input: permissionChangeInput,
  output: userPermissionsSchema,
  audit: { action: 'user.grant', target: 'user' },
  async handler({ input: { username, permission }, principal, audit }, deps) {
    assertMayGrant(principal, [permission]);
    const user = await deps.users.addPermission(username, permission);
    if (!user) throw new AppError('not_found', `No user ${username}`);
    audit({ after: { permissions: user.permissions } });
    return { username: user.username, permissions: user.permissions };
  },
});
