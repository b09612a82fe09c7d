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
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
