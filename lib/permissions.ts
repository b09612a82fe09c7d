/** The permission strings of the API contract: one list, shared with the SPA. */
import { PERMISSIONS, type Permission } from './shared/permission-names.ts';

export { PERMISSIONS, type Permission };

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

/** What a scope is judged against: a service (or secret, config) by its name and labels. */
export interface ScopeTarget {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** The label that names a service's (or secret's, config's) stack. */
export const STACK_LABEL = 'com.docker.stack.namespace';

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`);

export function scopeMatches(scope: Scope, target: ScopeTarget): boolean {
  switch (scope.kind) {
    case 'stack':
      return target.labels[STACK_LABEL] === scope.value;
    case 'name':
      return globToRegExp(scope.glob).test(target.name);
    case 'label':
      return Object.hasOwn(target.labels, scope.key) && target.labels[scope.key] === scope.value;
  }
}

/**
 * The reach of `permission` for a holder: `'all'` for the unscoped string, else the scopes of its scoped forms
 * (empty when the holder has neither). Malformed strings in a record count for nothing.
 */
export function reachOf(holder: { permissions: readonly string[] }, permission: Permission): 'all' | Scope[] {
  if (holder.permissions.includes(permission)) return 'all';
  const scopes: Scope[] = [];
  for (const p of holder.permissions) {
    if (!p.startsWith(`${permission}:`)) continue;
    const parsed = parsePermission(p);
    if (parsed?.scope) scopes.push(parsed.scope);
  }
  return scopes;
}

/** Whether the holder has `permission` in any form, scoped or not: enough to call a scope-aware function. */
export const holdsAny = (holder: { permissions: readonly string[] }, permission: Permission): boolean => {
  const reach = reachOf(holder, permission);
  return reach === 'all' || reach.length > 0;
};

/** Whether the holder may act with `permission` on this service (secret, config): unscoped, or a scope matches. */
export const holdsFor = (holder: { permissions: readonly string[] }, permission: Permission, target: ScopeTarget): boolean => {
  const reach = reachOf(holder, permission);
  return reach === 'all' || reach.some((s) => scopeMatches(s, target));
};

/** The filter for lists: what of `permission`'s kind the holder may see. */
export const filterFor = (holder: { permissions: readonly string[] }, permission: Permission): ((target: ScopeTarget) => boolean) => {
  const reach = reachOf(holder, permission);
  return reach === 'all' ? () => true : (target) => reach.some((s) => scopeMatches(s, target));
};
