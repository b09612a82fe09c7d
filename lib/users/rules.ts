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

/**
 * Grants or revokes one permission (idempotent), under the rules above: the actor must hold it, and the last
 * holder of users.write keeps it. Answers the user's permissions after the change.
 */
export async function changePermission(
  actor: Principal,
  change: { username: string; permission: Permission; grant: boolean },
  users: UserStore,
): Promise<{ username: string; permissions: Permission[] }> {
  const { username, permission } = change;
  assertMayGrant(actor, [permission]);
  if (!change.grant && permission === 'users.write') await assertNotLastAdmin(username, users);
  const user = change.grant ? await users.addPermission(username, permission) : await users.removePermission(username, permission);
  if (!user) throw new AppError('not_found', `No user ${username}`);
  return { username: user.username, permissions: user.permissions };
}
