import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceVersionSchema } from '../../lib/swarm/schemas.ts';
import { updateNodeInput } from './schema.ts';

export const updateNode = defineFunction({
  name: 'update-node',
  summary: 'Change availability, role or labels of a node',
  permission: 'nodes.write',
  readOnly: false,
  input: updateNodeInput,
  output: serviceVersionSchema,
  audit: { action: 'node.update', target: 'node' },
  async handler({ input: { id, version, ...update }, audit }, deps) {
    audit({ after: update });
    return deps.swarm.updateNode(id, version, update);
  },
});
