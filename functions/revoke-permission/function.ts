import { AppError } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { assertMayGrant, assertNotLastAdmin } from '../../lib/users/rules.ts';
import { userPermissionsSchema } from '../../lib/users/schemas.ts';
import { revokePermissionInput } from './schema.ts';

export const revokePermission = defineFunction({
  name: 'revoke-permission',
  summary: 'Revoke a permission (idempotent)',
  permission: 'users.write',
  readOnly: false,
  input: revokePermissionInput,
  output: userPermissionsSchema,
  audit: { action: 'user.revoke', target: 'user' },
  async handler({ input: { username, permission }, principal, audit }, deps) {
    assertMayGrant(principal, [permission]);
    if (permission === 'users.write') await assertNotLastAdmin(username, deps.users);
    const user = await deps.users.removePermission(username, permission);
    if (!user) throw new AppError('not_found', `No user ${username}`);
    audit({ after: { permissions: user.permissions } });
    return { username: user.username, permissions: user.permissions };
  },
});
