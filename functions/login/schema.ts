import { z } from 'zod';
import { passwordSchema } from '../../lib/users/schemas.ts';

export const loginInput = z.object({
  username: z.string().min(1).max(64),
  password: passwordSchema,
}).strict();
