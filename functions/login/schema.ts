import { z } from 'zod';
import { passwordSchema, usernameRefSchema } from '../../lib/users/schemas.ts';

export const loginInput = z.object({
  username: usernameRefSchema,
  password: passwordSchema,
}).strict();
