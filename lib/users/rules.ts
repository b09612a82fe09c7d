/**
 * Who may change which user: the permission rules of the API contract.
 */
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/authenticator.ts';
import { grantable, type Permission } from '../permissions.ts';
import type { UserStore } from './user-store.ts';

/** A user may grant (or revoke) only permissions that the user holds: the same string, or its unscoped form. */
export function assertMayGrant(granter: Principal, permissions: readonly string[]): void {
  const missing = permissions.filter((p) => !grantable(granter.permissions, p));
  if (missing.length > 0) {
    throw new AppError('forbidden', `You cannot grant or revoke permissions you do not hold: ${missing.join(', ')}`, {
      details: { permissions: missing },
    });
  }
}

/**
 * Deletes a user: nobody deletes themselves, and the last holder of users.write stays (checked by the store in
 * the same atomic step as the delete, so two administrators deleting each other cannot both succeed).
 */
export async function deleteAccount(actor: Principal, username: string, users: UserStore): Promise<void> {
  if (actor.username === username) throw new AppError('self_delete', 'You cannot delete yourself');
  if (!(await users.delete(username, { keepOneHolderOf: 'users.write' }))) throw new AppError('not_found', `No user ${username}`);
}

/**
 * Grants or revokes one permission (idempotent), under the rules above: the actor must hold it, and the last
 * holder of users.write keeps it (atomically, in the store). Answers the user's permissions after the change.
 */
export async function changePermission(
  actor: Principal,
  change: { username: string; permission: string; grant: boolean },
  users: UserStore,
): Promise<{ username: string; permissions: Permission[] }> {
  const { username, permission } = change;
  assertMayGrant(actor, [permission]);
  // NOTE: the schema admitted only the strict grammar (lib/permissions.ts parsePermission); the store keeps strings.
  const stored = permission as Permission;
  const user = change.grant
    ? await users.addPermission(username, stored)
    : await users.removePermission(username, stored, permission === 'users.write' ? { keepOneHolderOf: 'users.write' } : undefined);
  if (!user) throw new AppError('not_found', `No user ${username}`);
  return { username: user.username, permissions: user.permissions };
}
