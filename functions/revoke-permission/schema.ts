export { permissionChangeInput as revokePermissionInput } from '../grant-permission/schema.ts';
