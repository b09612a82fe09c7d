import { z } from 'zod';
import { scopedPermissionSchema } from '../../lib/users/schemas.ts';

export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 90;

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1).max(64).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'),
  permissions: z.array(scopedPermissionSchema).min(1).max(32),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
}).strict();

export const createdApiTokenSchema = z.object({ id: z.string(), name: z.string(), token: z.string(), expiresAt: z.string() });
