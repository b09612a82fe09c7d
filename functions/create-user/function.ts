import type { Permission } from '../../lib/permissions.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { assertMayGrant } from '../../lib/users/rules.ts';
import { userSummarySchema } from '../../lib/users/schemas.ts';
import { createUserInput } from './schema.ts';

export const createUser = defineFunction({
  name: 'create-user',
  summary: 'Create a user',
  permission: 'users.write',
  readOnly: false,
  input: createUserInput,
  output: userSummarySchema,
  status: 201,
  audit: { action: 'user.create', target: 'user' },
  async handler({ input: { username, password, permissions: asked }, principal, audit }, deps) {
    // NOTE: the schema admitted only the strict grammar (scoped forms included); the store keeps strings, as for grants.
    const permissions = [...new Set(asked ?? [])].sort() as Permission[];
    assertMayGrant(principal, permissions);
    const createdAt = deps.now().toISOString();
    await deps.users.create({ username, passwordHash: await deps.passwords.hash(password), permissions, tokenVersion: 0, createdAt });
    audit({ after: { username, permissions } });
    return { username, permissions, createdAt };
  },
});
