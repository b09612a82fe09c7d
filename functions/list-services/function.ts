import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceSummarySchema } from '../../lib/swarm/schemas.ts';

/** list-services: one `GET /services?status=true` to the engine, however many services. */
export const listServices = defineFunction({
  name: 'list-services',
  summary: 'List services with running/desired replicas',
  permission: 'services.read',
  readOnly: true,
  input: null,
  output: z.object({ services: z.array(serviceSummarySchema) }),
  handler: async (_call, deps) => ({ services: await deps.swarm.listServices() }),
});
