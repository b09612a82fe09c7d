import { defineFunction } from '../../lib/http/function-definition.ts';
import { holds } from '../../lib/permissions.ts';
import { hideEnvironment } from '../../lib/swarm/environment.ts';
import { serviceDetailSchema } from '../../lib/swarm/schemas.ts';
import { serviceRefInput } from './schema.ts';

/** inspect-service: environment values only for those who may write the service (contract 1.1). */
export const inspectService = defineFunction({
  name: 'inspect-service',
  summary: 'A service with its spec and tasks (environment values only with services.write)',
  permission: 'services.read',
  readOnly: true,
  input: serviceRefInput,
  output: serviceDetailSchema,
  handler: async ({ input, principal }, deps) => {
    const detail = await deps.swarm.inspectService(input.id);
    return holds(principal, 'services.write') ? detail : hideEnvironment(detail);
  },
});
