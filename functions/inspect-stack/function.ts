import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceSummarySchema } from '../../lib/swarm/schemas.ts';
import { inspectStack as inspect } from '../../lib/stacks/stacks.ts';
import { stackRefInput } from './schema.ts';

/** inspect-stack: the last file deployed through the dashboard ('' for a stack deployed otherwise) and the services. */
export const inspectStack = defineFunction({
  name: 'inspect-stack',
  summary: 'A stack: its last deployed Compose file and its services',
  permission: 'services.read',
  scoped: true,
  readOnly: true,
  input: stackRefInput,
  output: z.object({ name: z.string(), compose: z.string(), services: z.array(serviceSummarySchema) }),
  async handler({ input, principal }, deps) {
    return inspect(deps, principal, input.name);
  },
});
