import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceRefInput } from '../inspect-service/schema.ts';

export const deleteService = defineFunction({
  name: 'delete-service',
  summary: 'Remove a service',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: serviceRefInput,
  output: null,
  audit: { action: 'service.delete', target: 'service' },
  async handler({ input, principal }, deps) {
    const current = await deps.swarm.inspectService(input.id);
    await deps.swarm.removeService(await deps.gate.admitService(principal, current));
  },
});
