import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceVersionSchema } from '../../lib/swarm/schemas.ts';
import { withLatest } from '../../lib/swarm/update-latest.ts';
import { serviceRefInput } from '../inspect-service/schema.ts';

/** rollback-service: the previous spec must pass the policy too, or a rollback could restore a privileged spec. */
export const rollbackService = defineFunction({
  name: 'rollback-service',
  summary: 'Roll back to the previous spec',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: serviceRefInput,
  output: serviceVersionSchema,
  audit: { action: 'service.rollback', target: 'service' },
  handler: ({ input, principal, audit }, deps) =>
    withLatest(deps.swarm.inspectService, input.id, async (current) => {
      const { service } = current;
      if (service.previousSpec) audit({ targetId: service.id, before: service.spec, after: service.previousSpec });
      const previous = await deps.gate.admitRollback(principal, current);
      const written = await deps.swarm.rollbackService(service.id, service.version, previous);
      audit({ rollouts: [{ service: written.id, name: service.name, version: written.version }] });
      return written;
    }),
});
