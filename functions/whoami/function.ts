import { defineFunction } from '../../lib/http/function-definition.ts';
import { userPermissionsSchema } from '../../lib/users/schemas.ts';

export const whoami = defineFunction({
  name: 'whoami',
  summary: 'The current user and permissions',
  permission: 'any',
  readOnly: true,
  input: null,
  output: userPermissionsSchema,
  handler: ({ principal: { username, permissions } }) => ({ username, permissions }),
});
