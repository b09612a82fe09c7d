/**
 * Who may change which user: the permission rules of the API contract.
 */
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/authenticator.ts';
import type { Permission } from '../permissions.ts';
import type { UserStore } from './user-store.ts';

/** A user may grant (or revoke) only permissions that the user holds. */
export function assertMayGrant(granter: Principal, permissions: readonly Permission[]): void {
  const missing = permissions.filter((p) => !granter.permissions.includes(p));
  if (missing.length > 0) {
    throw new AppError('forbidden', `You cannot grant or revoke permissions you do not hold: ${missing.join(', ')}`, {
      details: { permissions: missing },
    });
  }
}

/** Nobody deletes themselves, and the last holder of users.write stays. */
export async function assertMayDelete(actor: Principal, username: string, users: UserStore): Promise<void> {
  if (actor.username === username) throw new AppError('self_delete', 'You cannot delete yourself');
  await assertNotLastAdmin(username, users);
}

/** Throws last_admin when `username` is the only holder of users.write. */
export async function assertNotLastAdmin(username: string, users: UserStore): Promise<void> {
  const holders = await users.holders('users.write');
  if (holders.length === 1 && holders[0] === username) {
    throw new AppError('last_admin', `${username} is the last user holding users.write`);
  }
}
