/** Input schemas shared by the user functions (and by the SPA's forms). */
import { z } from 'zod';
import { MAX_PERMISSION_LENGTH, PERMISSIONS, parsePermission } from '../permissions.ts';
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

/**
 * A permission, optionally scoped (contract 1.1): `services.write`, `services.write:stack=shop`,
 * `services.read:name=shop-*`, `services.write:label=team=payments`. Bounded, and a strict grammar
 * (lib/permissions.ts `parsePermission`): a scope only on services.*, events.read, secrets.* and configs.*.
 */
export const scopedPermissionSchema = z
  .string()
  .max(MAX_PERMISSION_LENGTH)
  .refine((p) => parsePermission(p) !== undefined, {
    message: 'a permission, optionally with a scope: stack=<name>, name=<glob> or label=<key>=<value> (services.*, events.read, secrets.*, configs.* only)',
  });

// The answers' shapes, for the OpenAPI document.
export const permissionsSchema = z.array(permissionSchema);
export const userSummarySchema = z.object({ username: z.string(), permissions: permissionsSchema, createdAt: z.string() });
export const userPermissionsSchema = z.object({ username: z.string(), permissions: permissionsSchema });
export const issuedTokenSchema = z.object({ token: z.string(), expiresAt: z.string() });
