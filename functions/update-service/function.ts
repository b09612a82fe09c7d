import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceVersionSchema } from '../../lib/swarm/schemas.ts';
import { applyServiceInput, readAttachable } from '../../lib/swarm/service-input.ts';
import { updateServiceInput } from './schema.ts';

/** update-service: fields left out keep their value; the policy judges the whole resulting spec. */
export const updateService = defineFunction({
  name: 'update-service',
  summary: 'Update a service at a version (security policy applies)',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: updateServiceInput,
  output: serviceVersionSchema,
  audit: { action: 'service.update', target: 'service' },
  async handler({ input: { id, version, ...patch }, principal, audit }, deps) {
    const current = await deps.swarm.inspectService(id);
    const spec = applyServiceInput(current.service.spec, patch, await readAttachable(deps.swarm, patch));
    audit({ targetId: current.service.id, before: current.service.spec, after: spec });
    return deps.swarm.updateService(current.service.id, version, await deps.gate.admitChange(principal, current, spec));
  },
});
