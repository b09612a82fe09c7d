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

// --- Scoped permissions (contract 1.1, "Scoped permissions") ------------------------------------------------
// A copy of the server's grammar (lib/permissions.ts), so the form can say what is wrong before sending; the
// server still judges every string.

/** The permissions that take a scope. */
export const SCOPABLE: readonly Permission[] = ['services.read', 'services.write', 'services.privileged', 'events.read', 'secrets.read', 'secrets.write', 'configs.read', 'configs.write'];

export type ScopeKind = 'stack' | 'name' | 'label';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const GLOB = /^[A-Za-z0-9_.*-]{1,64}$/;

/** What to tell the user about a scope field, or null when it is valid. `label` values are `key=value`. */
export function scopeError(kind: ScopeKind, value: string): string | null {
  const v = value.trim();
  if (v === '') return 'A scope needs a value.';
  if (kind === 'stack') return NAME.test(v) ? null : 'A stack name: letters, digits, ., _ and -; up to 63 characters.';
  if (kind === 'name') return GLOB.test(v) ? null : 'A name or a glob: letters, digits, ., _, - and *; up to 64 characters.';
  const at = v.indexOf('=');
  if (at < 0) return 'A label scope is key=value.';
  return NAME.test(v.slice(0, at)) && NAME.test(v.slice(at + 1)) ? null : 'Key and value: letters, digits, ., _ and -; up to 63 characters each.';
}

/** The permission string of a scope field: `services.write:stack=shop`; null while the field is invalid. */
export function scopedPermission(permission: Permission, kind: ScopeKind, value: string): string | null {
  if (!SCOPABLE.includes(permission) || scopeError(kind, value) !== null) return null;
  return `${permission}:${kind}=${value.trim()}`;
}

const unscoped = (p: string): string => (p.includes(':') ? p.slice(0, p.indexOf(':')) : p);

/** Whether `me` holds `permission` in any form, scoped or not: enough to open the pages and lists it governs. */
export const canAny = (me: Me | null | undefined, permission: Permission): boolean =>
  !!me && (me.permissions as readonly string[]).some((p) => p === permission || p.startsWith(`${permission}:`));

const globMatches = (glob: string, name: string): boolean =>
  new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`).test(name);

/** Whether `me` may act with `permission` on this service (secret, config): unscoped, or one of its scopes matches. */
export function canFor(me: Me | null | undefined, permission: Permission, target: { name: string; labels: Readonly<Record<string, string>> }): boolean {
  if (!me) return false;
  if (me.permissions.includes(permission)) return true;
  return (me.permissions as readonly string[]).some((p) => {
    if (!p.startsWith(`${permission}:`)) return false;
    const scope = p.slice(permission.length + 1);
    const eq = scope.indexOf('=');
    const kind = scope.slice(0, eq);
    const value = scope.slice(eq + 1);
    if (kind === 'stack') return target.labels['com.docker.stack.namespace'] === value;
    if (kind === 'name') return globMatches(value, target.name);
    if (kind === 'label') {
      const at = value.indexOf('=');
      const key = value.slice(0, at);
      return at > 0 && Object.hasOwn(target.labels, key) && target.labels[key] === value.slice(at + 1);
    }
    return false;
  });
}

/** Whether `me` may grant or revoke a permission string, scoped or not: users.write and the same string or its unscoped form. */
export const mayGrant = (me: Me | null | undefined, permission: string): boolean =>
  can(me, 'users.write') && !!me && [permission, unscoped(permission)].some((p) => (me.permissions as readonly string[]).includes(p));

/** A user's scoped permissions, sorted: the ones the table's checkboxes (unscoped only) do not show. */
export const scopedOf = (permissions: readonly string[]): string[] => permissions.filter((p) => p.includes(':')).sort();
