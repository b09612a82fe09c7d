import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { DEFAULT_USER_PAGE, decodeUserCursor, encodeUserCursor } from '../../lib/users/user-cursor.ts';
import { userSummarySchema } from '../../lib/users/schemas.ts';
import { listUsersInput } from './schema.ts';

/** list-users: by username, a page at a time (`limit` 1–1000, default 100; `next` → `cursor`); never a password or a hash. */
export const listUsers = defineFunction({
  name: 'list-users',
  summary: 'List users, a page at a time',
  permission: 'users.read',
  readOnly: true,
  input: listUsersInput,
  output: z.object({ users: z.array(userSummarySchema), next: z.string().optional() }),
  async handler({ input: { limit, cursor } }, deps) {
    const page = await deps.users.page({
      limit: limit ?? DEFAULT_USER_PAGE,
      ...(cursor === undefined ? {} : { after: decodeUserCursor(cursor) }),
    });
    const users = page.users.map(({ username, permissions, createdAt }) => ({ username, permissions, createdAt }));
    return page.more ? { users, next: encodeUserCursor(page.users.at(-1)!.username) } : { users };
  },
});
