/**
 * The first administrator, created at first start with every permission (api-contract.md).
 */
import { randomBytes } from 'node:crypto';
import { PERMISSIONS } from '../permissions.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import type { UserStore } from './user-store.ts';

export interface BootstrapResult {
  created: boolean;
  /** Set only when the password was generated; print it once. */
  generatedPassword?: string;
}

/** Creates the administrator unless some user already holds users.write. */
export async function bootstrapAdmin(options: {
  users: UserStore;
  passwords: PasswordHasher;
  username: string;
  password: string | undefined;
  now?: () => Date;
}): Promise<BootstrapResult> {
  const { users, passwords, username } = options;
  if ((await users.holders('users.write')).length > 0) return { created: false };
  const generatedPassword = options.password ? undefined : randomBytes(18).toString('base64url');
  const password = options.password ?? generatedPassword!;
  try {
    await users.create({
      username,
      passwordHash: await passwords.hash(password),
      permissions: [...PERMISSIONS],
      tokenVersion: 0,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
    });
  } catch (e) {
    // NOTE: another replica may have bootstrapped at the same moment; theirs stands.
    if ((e as { code?: string }).code === 'user_exists') return { created: false };
    throw e;
  }
  return generatedPassword ? { created: true, generatedPassword } : { created: true };
}
