import { z } from 'zod';
import { permissionSchema, usernameRefSchema } from '../../lib/users/schemas.ts';

/** Shared by grant-permission and revoke-permission. */
export const permissionChangeInput = z.object({
  username: usernameRefSchema,
  permission: permissionSchema,
}).strict();
