import { z } from 'zod';
import { queryInteger } from '../../lib/http/input.ts';
import { MAX_USER_PAGE } from '../../lib/users/user-cursor.ts';

export const listUsersInput = z.object({
  limit: queryInteger(1, MAX_USER_PAGE).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().min(1).max(1024).optional(),
}).strict();
