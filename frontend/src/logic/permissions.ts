/** What the signed-in user may do, for hiding and disabling controls. The server still decides. */
import type { Me, Permission } from '../types.ts';

/**
 * Every permission, in the server's order (lib/permissions.ts). A copy rather than an import, so the bundle
 * takes nothing but types from the server; the checks below keep it exact.
 */
export const PERMISSIONS = [
  'users.read',
  'users.write',
  'services.read',
  'services.write',
  'services.privileged',
  'nodes.read',
  'nodes.write',
  'events.read',
  'alerts.read',
  'alerts.write',
  'secrets.read',
  'secrets.write',
  'configs.read',
  'configs.write',
] as const satisfies readonly Permission[];

// NOTE: `satisfies` refuses a name the server lacks; this refuses a server permission missing above
// ("does not satisfy the constraint 'never'" names it), so the users page cannot silently omit one.
type NoneMissing<Missing extends never> = Missing;
export type PermissionsListed = NoneMissing<Exclude<Permission, (typeof PERMISSIONS)[number]>>;

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
