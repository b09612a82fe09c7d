/**
 * Every function of the API contract: its name, its handler factory and its input schema. Local mode
 * mounts them all at /function/<name>; the OpenFaaS build makes one bundle each; /openapi.json is
 * generated from the same schemas the functions validate with.
 */
import type { Hono } from 'hono';
import type { z } from 'zod';
import type { Deps } from '../lib/deps.ts';
import type { Permission } from '../lib/permissions.ts';
import { changePasswordInput } from './change-password/schema.ts';
import { changePassword } from './change-password/handler.ts';
import { createServiceInput } from './create-service/schema.ts';
import { createService } from './create-service/handler.ts';
import { createUserInput } from './create-user/schema.ts';
import { createUser } from './create-user/handler.ts';
import { deleteService } from './delete-service/handler.ts';
import { deleteUserInput } from './delete-user/schema.ts';
import { deleteUser } from './delete-user/handler.ts';
import { permissionChangeInput } from './grant-permission/schema.ts';
import { grantPermission } from './grant-permission/handler.ts';
import { serviceRefInput } from './inspect-service/schema.ts';
import { inspectService } from './inspect-service/handler.ts';
import { listEventsInput } from './list-events/schema.ts';
import { listEvents } from './list-events/handler.ts';
import { listNodes } from './list-nodes/handler.ts';
import { listServices } from './list-services/handler.ts';
import { listUsers } from './list-users/handler.ts';
import { loginInput } from './login/schema.ts';
import { login } from './login/handler.ts';
import { logout } from './logout/handler.ts';
import { restartService } from './restart-service/handler.ts';
import { revokePermissionInput } from './revoke-permission/schema.ts';
import { revokePermission } from './revoke-permission/handler.ts';
import { rollbackService } from './rollback-service/handler.ts';
import { scaleServiceInput } from './scale-service/schema.ts';
import { scaleService } from './scale-service/handler.ts';
import { serviceLogsInput } from './service-logs/schema.ts';
import { serviceLogs } from './service-logs/handler.ts';
import { updateNodeInput } from './update-node/schema.ts';
import { updateNode } from './update-node/handler.ts';
import { updateServiceInput } from './update-service/schema.ts';
import { updateService } from './update-service/handler.ts';
import { whoami } from './whoami/handler.ts';

export interface FunctionDefinition {
  name: string;
  summary: string;
  /** Read-only functions also answer GET with the input as query parameters. */
  readOnly: boolean;
  /** `null`: no login needed; `'any'`: any logged-in user. */
  permission: Permission | 'any' | null;
  input: z.ZodType | null;
  create: (deps: Deps) => Hono<any>;
}

const fn = (name: string, summary: string, readOnly: boolean, permission: FunctionDefinition['permission'], input: z.ZodType | null, create: FunctionDefinition['create']): FunctionDefinition =>
  ({ name, summary, readOnly, permission, input, create });

export const FUNCTIONS: readonly FunctionDefinition[] = [
  fn('login', 'Log in; sets the session cookie', false, null, loginInput, login),
  fn('logout', 'End every session of the current user', false, 'any', null, logout),
  fn('whoami', 'The current user and permissions', true, 'any', null, whoami),
  fn('change-password', 'Change the password; older tokens stop working', false, 'any', changePasswordInput, changePassword),
  fn('list-users', 'List users', true, 'users.read', null, listUsers),
  fn('create-user', 'Create a user', false, 'users.write', createUserInput, createUser),
  fn('delete-user', 'Delete a user', false, 'users.write', deleteUserInput, deleteUser),
  fn('grant-permission', 'Grant a permission (idempotent)', false, 'users.write', permissionChangeInput, grantPermission),
  fn('revoke-permission', 'Revoke a permission (idempotent)', false, 'users.write', revokePermissionInput, revokePermission),
  fn('list-services', 'List services with running/desired replicas', true, 'services.read', null, listServices),
  fn('inspect-service', 'A service with its spec and tasks', true, 'services.read', serviceRefInput, inspectService),
  fn('create-service', 'Create a service (security policy applies)', false, 'services.write', createServiceInput, createService),
  fn('update-service', 'Update a service at a version (security policy applies)', false, 'services.write', updateServiceInput, updateService),
  fn('scale-service', 'Set the replicas of a replicated service', false, 'services.write', scaleServiceInput, scaleService),
  fn('restart-service', 'Replace every task (force update)', false, 'services.write', serviceRefInput, restartService),
  fn('rollback-service', 'Roll back to the previous spec', false, 'services.write', serviceRefInput, rollbackService),
  fn('delete-service', 'Remove a service', false, 'services.write', serviceRefInput, deleteService),
  fn('service-logs', 'Recent log lines of a service, stdout and stderr', true, 'services.read', serviceLogsInput, serviceLogs),
  fn('list-nodes', 'List nodes', true, 'nodes.read', null, listNodes),
  fn('update-node', 'Change availability, role or labels of a node', false, 'nodes.write', updateNodeInput, updateNode),
  fn('list-events', 'Stored Docker and audit events, oldest first', true, 'events.read', listEventsInput, listEvents),
];
