import { z } from 'zod';
import { newPasswordSchema, permissionSchema, usernameSchema } from '../../lib/users/schemas.ts';

export const createUserInput = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  permissions: z.array(permissionSchema).max(16).optional(),
}).strict();
