import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { nodeSummarySchema } from '../../lib/swarm/schemas.ts';

export const listNodes = defineFunction({
  name: 'list-nodes',
  summary: 'List nodes',
  permission: 'nodes.read',
  readOnly: true,
  input: null,
  output: z.object({ nodes: z.array(nodeSummarySchema) }),
  handler: async (_call, deps) => ({ nodes: await deps.swarm.listNodes() }),
});
