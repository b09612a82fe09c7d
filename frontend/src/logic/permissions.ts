/** What the signed-in user may do, for hiding and disabling controls. The server still decides. */
import type { Me, Permission } from '../types.ts';

// The one list of the server's permissions (pure, so the SPA bundles it): the users page shows every one.
export { PERMISSIONS } from '../../../lib/shared/permission-names.ts';

export const can = (me: Me | null | undefined, permission: Permission): boolean =>
  !!me && me.permissions.includes(permission);

/**
 * Whether `me` may grant or revoke `permission` on `target`: it takes users.write and holding the
 * permission oneself. The last holder of users.write losing it is the server's call (409 last_admin).
 */
export const mayChange = (me: Me | null | undefined, permission: Permission): boolean =>
  can(me, 'users.write') && can(me, permission);

/**
 * Whether an audit event targets this user (a grant, a revoke), so the UI should re-read whoami.
 * Audit attributes (lib/events/audit.ts): `username` who acted, `target` as `<type>:<id>`, `result`.
 */
export const touchesUser = (attributes: Record<string, string>, username: string): boolean =>
  attributes.target === `user:${username}` || (attributes['target.type'] === 'user' && attributes['target.id'] === username);
