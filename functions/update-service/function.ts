import { invalidField } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceVersionSchema } from '../../lib/swarm/schemas.ts';
import { applyServiceInput, readAttachable } from '../../lib/swarm/service-input.ts';
import type { DockerServiceSpec } from '../../lib/swarm/swarm.ts';
import { updateServiceInput } from './schema.ts';

/**
 * update-service: fields left out keep their value, or `spec` replaces the whole spec; either way the policy
 * judges the whole resulting spec.
 */
export const updateService = defineFunction({
  name: 'update-service',
  summary: 'Update a service at a version, by fields or with a whole ServiceSpec (security policy applies)',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: updateServiceInput,
  output: serviceVersionSchema,
  audit: { action: 'service.update', target: 'service' },
  async handler({ input: { id, version, spec: raw, ...patch }, principal, audit }, deps) {
    const current = await deps.swarm.inspectService(id);
    // NOTE: swarmkit refuses renaming a service ("renaming services is not supported"); say so as a 400 here.
    if (raw && raw['Name'] !== current.service.name) throw invalidField('spec.Name', `A service cannot be renamed: keep "${current.service.name}"`);
    const spec = raw ? (raw as DockerServiceSpec) : applyServiceInput(current.service.spec, patch, await readAttachable(deps.swarm, patch));
    audit({ targetId: current.service.id, before: current.service.spec, after: spec });
    const written = await deps.swarm.updateService(current.service.id, version, await deps.gate.admitChange(principal, current, spec));
    audit({ rollouts: [{ service: written.id, name: current.service.name, version: written.version }] });
    return written;
  },
});
