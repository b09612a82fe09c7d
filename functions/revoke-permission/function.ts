import { defineFunction } from '../../lib/http/function-definition.ts';
import { changePermission } from '../../lib/users/rules.ts';
import { userPermissionsSchema } from '../../lib/users/schemas.ts';
import { revokePermissionInput } from './schema.ts';

/** revoke-permission: the last holder of users.write keeps it (409 last_admin). */
export const revokePermission = defineFunction({
  name: 'revoke-permission',
  summary: 'Revoke a permission (idempotent)',
  permission: 'users.write',
  readOnly: false,
  input: revokePermissionInput,
  output: userPermissionsSchema,
  audit: { action: 'user.revoke', target: 'user' },
  async handler({ input, principal, audit }, deps) {
    const user = await changePermission(principal, { ...input, grant: false }, deps.users);
    audit({ after: { permissions: user.permissions } });
    return user;
  },
});
