import { z } from 'zod';
import { permissionSchema } from '../../lib/users/schemas.ts';

/** Shared by grant-permission and revoke-permission. */
export const permissionChangeInput = z.object({
  username: z.string().min(1).max(64),
  permission: permissionSchema,
}).strict();
