import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { summarizeStacks } from '../../lib/stacks/stacks.ts';
import { stackSummarySchema } from './schema.ts';

/** list-stacks: from the service list (live state), grouped by com.docker.stack.namespace. */
export const listStacks = defineFunction({
  name: 'list-stacks',
  summary: 'List stacks (services grouped by com.docker.stack.namespace)',
  permission: 'services.read',
  scoped: true,
  readOnly: true,
  input: null,
  output: z.object({ stacks: z.array(stackSummarySchema) }),
  async handler({ principal }, deps) {
    const { services } = await deps.services.read();
    return { stacks: summarizeStacks(services, principal) };
  },
});
