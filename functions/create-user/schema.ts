import { z } from 'zod';
import { newPasswordSchema, scopedPermissionSchema, usernameSchema } from '../../lib/users/schemas.ts';

export const createUserInput = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  permissions: z.array(scopedPermissionSchema).max(16).optional(),
}).strict();
