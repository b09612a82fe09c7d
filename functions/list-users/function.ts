import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { userSummarySchema } from '../../lib/users/schemas.ts';

/** list-users: never a password or a hash. */
export const listUsers = defineFunction({
  name: 'list-users',
  summary: 'List users',
  permission: 'users.read',
  readOnly: true,
  input: null,
  output: z.object({ users: z.array(userSummarySchema) }),
  async handler(_call, deps) {
    const users = await deps.users.list();
    return { users: users.map(({ username, permissions, createdAt }) => ({ username, permissions, createdAt })) };
  },
});
