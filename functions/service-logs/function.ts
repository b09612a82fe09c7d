import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { logLineSchema } from '../../lib/swarm/schemas.ts';
import { serviceLogsInput } from './schema.ts';

export const serviceLogs = defineFunction({
  name: 'service-logs',
  summary: 'Recent log lines of a service, stdout and stderr',
  permission: 'services.read',
  readOnly: true,
  input: serviceLogsInput,
  output: z.object({ lines: z.array(logLineSchema) }),
  handler: async ({ input: { id, since, tail } }, deps) => ({
    lines: await deps.swarm.serviceLogs(id, { ...(since === undefined ? {} : { since }), tail: tail ?? 200 }),
  }),
});
