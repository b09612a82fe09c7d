import { defineFunction } from '../../lib/http/function-definition.ts';
import { changePermission } from '../../lib/users/rules.ts';
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
  async handler({ input, principal, audit }, deps) {
    const user = await changePermission(principal, { ...input, grant: true }, deps.users);
    audit({ after: { permissions: user.permissions } });
    return user;
  },
});
