/**
 * The registry: every function of the API contract, one definition each (functions/<name>/function.ts).
 * Local mode mounts them all at /function/<name>, the OpenFaaS build makes one image of each, and
 * /openapi.json describes them; registry.test.ts holds faas.yml, the folders and the document to this list.
 */
import type { AnyFunctionDefinition } from '../lib/http/function-definition.ts';
import { changePassword } from './change-password/function.ts';
import { createAlertRule } from './create-alert-rule/function.ts';
import { createService } from './create-service/function.ts';
import { createUser } from './create-user/function.ts';
import { deleteAlertRule } from './delete-alert-rule/function.ts';
import { deleteService } from './delete-service/function.ts';
import { deleteUser } from './delete-user/function.ts';
import { grantPermission } from './grant-permission/function.ts';
import { inspectService } from './inspect-service/function.ts';
import { listAlertDeliveries } from './list-alert-deliveries/function.ts';
import { listAlertRules } from './list-alert-rules/function.ts';
import { listEvents } from './list-events/function.ts';
import { listNodes } from './list-nodes/function.ts';
import { listTasks } from './list-tasks/function.ts';
import { listServices } from './list-services/function.ts';
import { listUsers } from './list-users/function.ts';
import { login } from './login/function.ts';
import { logout } from './logout/function.ts';
import { restartService } from './restart-service/function.ts';
import { revokePermission } from './revoke-permission/function.ts';
import { rollbackService } from './rollback-service/function.ts';
import { scaleService } from './scale-service/function.ts';
import { serviceLogs } from './service-logs/function.ts';
import { testAlertRule } from './test-alert-rule/function.ts';
import { updateNode } from './update-node/function.ts';
import { updateService } from './update-service/function.ts';
import { whoami } from './whoami/function.ts';
import { deployStack } from './deploy-stack/function.ts';
import { listStacks } from './list-stacks/function.ts';
import { inspectStack } from './inspect-stack/function.ts';
import { removeStack } from './remove-stack/function.ts';
import { listSecrets } from './list-secrets/function.ts';
import { createSecret } from './create-secret/function.ts';
import { rotateSecret } from './rotate-secret/function.ts';
import { deleteSecret } from './delete-secret/function.ts';
import { listConfigs } from './list-configs/function.ts';
import { createConfig } from './create-config/function.ts';
import { rotateConfig } from './rotate-config/function.ts';
import { deleteConfig } from './delete-config/function.ts';
import { inspectConfig } from './inspect-config/function.ts';
import { createApiToken } from './create-api-token/function.ts';
import { listApiTokens } from './list-api-tokens/function.ts';
import { revokeApiToken } from './revoke-api-token/function.ts';

export const FUNCTIONS: readonly AnyFunctionDefinition[] = [
  login,
  logout,
  whoami,
  changePassword,
  listUsers,
  createUser,
  deleteUser,
  grantPermission,
  revokePermission,
  listServices,
  inspectService,
  createService,
  updateService,
  scaleService,
  restartService,
  rollbackService,
  deleteService,
  serviceLogs,
  listNodes,
  listTasks,
  updateNode,
  listEvents,
  listAlertRules,
  createAlertRule,
  deleteAlertRule,
  testAlertRule,
  listAlertDeliveries,
  deployStack,
  listStacks,
  inspectStack,
  removeStack,
  listSecrets,
  createSecret,
  rotateSecret,
  deleteSecret,
  listConfigs,
  createConfig,
  rotateConfig,
  deleteConfig,
  inspectConfig,
  createApiToken,
  listApiTokens,
  revokeApiToken,
];
