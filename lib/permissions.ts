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
