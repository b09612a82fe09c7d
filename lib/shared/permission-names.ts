/**
 * The permission strings of the API contract, in one list for the server (lib/permissions.ts re-exports it)
 * and the SPA's users page. Pure and dependency-free: the SPA bundles it (scripts/check-layers.ts,
 * docs/architecture.md).
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
] as const;

export type Permission = (typeof PERMISSIONS)[number];
