import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceDetailSchema } from '../../lib/swarm/schemas.ts';
import { serviceRefInput } from './schema.ts';

export const inspectService = defineFunction({
  name: 'inspect-service',
  summary: 'A service with its spec and tasks',
  permission: 'services.read',
  readOnly: true,
  input: serviceRefInput,
  output: serviceDetailSchema,
  handler: ({ input }, deps) => deps.swarm.inspectService(input.id),
});
