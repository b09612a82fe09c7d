/** The permission strings of the API contract. */
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
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);

/**
 * Whether `holder` may act with `permission`. Every check goes through here, so the scoped permissions of
 * contract 1.1 (`services.write:stack=shop`) can be added in one place.
 */
export const holds = (holder: { permissions: readonly string[] }, permission: Permission): boolean =>
  holder.permissions.includes(permission);

/** The permission without its scope: `services.write` for `services.write:stack=shop`. */
export const unscoped = (permission: string): string => {
  const colon = permission.indexOf(':');
  return colon < 0 ? permission : permission.slice(0, colon);
};

/**
 * Whether a holder of `held` may pass `permission` on (grant it, or put it in an API token): holding the same
 * string, or its unscoped form, which covers every scope.
 */
export const grantable = (held: readonly string[], permission: string): boolean =>
  held.includes(permission) || held.includes(unscoped(permission));

/** The permissions that take a scope (contract 1.1, "Scoped permissions"). */
export const SCOPABLE = new Set<string>([
  'services.read',
  'services.write',
  'services.privileged',
  'events.read',
  'secrets.read',
  'secrets.write',
  'configs.read',
  'configs.write',
]);

/** A permission string's bound: the longest unscoped one plus the longest scope fits well inside. */
export const MAX_PERMISSION_LENGTH = 160;

export type Scope = { kind: 'stack'; value: string } | { kind: 'name'; glob: string } | { kind: 'label'; key: string; value: string };

// NOTE: the grammar is strict on purpose (no spaces, quotes, commas or control characters): the strings are shown
// in the SPA, written to the audit trail and compared as whole strings by the grant rule.
const NAME = '[A-Za-z0-9][A-Za-z0-9_.-]{0,62}';
const GLOB = '[A-Za-z0-9_.*-]{1,64}';
const SCOPE_PATTERN = new RegExp(`^(?:stack=(${NAME})|name=(${GLOB})|label=(${NAME})=(${NAME}))$`);

/** Parses a scope (`stack=shop`, `name=shop-*`, `label=team=payments`); undefined when it breaks the grammar. */
export function parseScope(scope: string): Scope | undefined {
  const m = SCOPE_PATTERN.exec(scope);
  if (!m) return undefined;
  if (m[1] !== undefined) return { kind: 'stack', value: m[1] };
  if (m[2] !== undefined) return { kind: 'name', glob: m[2] };
  return { kind: 'label', key: m[3]!, value: m[4]! };
}

/** Splits `services.write:stack=shop`; undefined when the string is no valid (scoped) permission. */
export function parsePermission(value: string): { permission: Permission; scope?: Scope } | undefined {
  if (value.length > MAX_PERMISSION_LENGTH) return undefined;
  const colon = value.indexOf(':');
  if (colon < 0) return isPermission(value) ? { permission: value } : undefined;
  const base = value.slice(0, colon);
  if (!isPermission(base) || !SCOPABLE.has(base)) return undefined;
  const scope = parseScope(value.slice(colon + 1));
  return scope ? { permission: base, scope } : undefined;
}

export const isPermissionString = (value: unknown): value is string => typeof value === 'string' && parsePermission(value) !== undefined;
