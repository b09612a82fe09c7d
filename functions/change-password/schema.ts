import { z } from 'zod';
import { newPasswordSchema, passwordSchema } from '../../lib/users/schemas.ts';

export const changePasswordInput = z.object({
  currentPassword: passwordSchema,
  newPassword: newPasswordSchema,
}).strict();
