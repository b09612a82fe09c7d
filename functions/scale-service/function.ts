import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceVersionSchema } from '../../lib/swarm/schemas.ts';
import { applyServiceInput } from '../../lib/swarm/service-input.ts';
import { withLatest } from '../../lib/swarm/update-latest.ts';
import { scaleServiceInput } from './schema.ts';

export const scaleService = defineFunction({
  name: 'scale-service',
  summary: 'Set the replicas of a replicated service',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: scaleServiceInput,
  output: serviceVersionSchema,
  audit: { action: 'service.scale', target: 'service' },
  handler: ({ input: { id, replicas }, principal, audit }, deps) =>
    withLatest(deps.swarm.inspectService, id, async (current) => {
      const spec = applyServiceInput(current.service.spec, { replicas });
      audit({ targetId: current.service.id, before: { replicas: current.service.replicas.desired }, after: { replicas } });
      const written = await deps.swarm.updateService(current.service.id, current.service.version, await deps.gate.admitChange(principal, current, spec));
      audit({ rollouts: [{ service: written.id, name: current.service.name, version: written.version }] });
      return written;
    }),
});
