import { defineFunction } from '../../lib/http/function-definition.ts';
import { AppError } from '../../lib/errors.ts';
import { holdsFor } from '../../lib/permissions.ts';
import { hideEnvironment } from '../../lib/swarm/environment.ts';
import { serviceDetailSchema } from '../../lib/swarm/schemas.ts';
import { serviceRefInput } from './schema.ts';

/** inspect-service: environment values only for those who may write the service (contract 1.1). */
export const inspectService = defineFunction({
  name: 'inspect-service',
  summary: 'A service with its spec and tasks (environment values only with services.write)',
  permission: 'services.read',
  scoped: true,
  readOnly: true,
  input: serviceRefInput,
  output: serviceDetailSchema,
  handler: async ({ input, principal }, deps) => {
    const detail = await deps.swarm.inspectService(input.id);
    const target = { name: detail.service.name, labels: detail.service.labels };
    // Outside the caller's scope a service is "not found", like one that does not exist (no existence leak).
    if (!holdsFor(principal, 'services.read', target)) throw new AppError('not_found', `No service ${input.id}`);
    return holdsFor(principal, 'services.write', target) ? detail : hideEnvironment(detail);
  },
});
