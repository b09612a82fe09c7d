import { z } from 'zod';
import { scopedPermissionSchema, usernameRefSchema } from '../../lib/users/schemas.ts';

/** Shared by grant-permission and revoke-permission. */
export const permissionChangeInput = z.object({
  username: usernameRefSchema,
  permission: scopedPermissionSchema,
}).strict();
