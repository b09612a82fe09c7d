/** Input schemas shared by the user functions (and by the SPA's forms). */
import { z } from 'zod';
import { PERMISSIONS } from '../permissions.ts';
import { normalizeUsername } from './usernames.ts';

/** A new username: normalised (NFKC, lower case) first, then judged, so `Admin` is `admin`. */
export const usernameSchema = z
  .string()
  .min(1)
  .max(64)
  .transform(normalizeUsername)
  .pipe(z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit'));

/** A username that names an existing user (login, grant, revoke, delete): normalised as at creation, not judged. */
export const usernameRefSchema = z.string().min(1).max(64).transform(normalizeUsername);

/** ASVS V6.2: at least 8 characters, long passphrases allowed, no composition rules. */
export const newPasswordSchema = z.string().min(8, 'at least 8 characters').max(1024);

/** Passwords being checked are not judged, only bounded. */
export const passwordSchema = z.string().min(1).max(1024);

export const permissionSchema = z.enum(PERMISSIONS);

// The answers' shapes, for the OpenAPI document.
export const permissionsSchema = z.array(permissionSchema);
export const userSummarySchema = z.object({ username: z.string(), permissions: permissionsSchema, createdAt: z.string() });
export const userPermissionsSchema = z.object({ username: z.string(), permissions: permissionsSchema });
export const issuedTokenSchema = z.object({ token: z.string(), expiresAt: z.string() });
