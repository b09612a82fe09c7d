import { defineFunction } from '../../lib/http/function-definition.ts';
import { serviceVersionSchema } from '../../lib/swarm/schemas.ts';
import { withForceUpdate } from '../../lib/swarm/service-input.ts';
import { withLatest } from '../../lib/swarm/update-latest.ts';
import { serviceRefInput } from '../inspect-service/schema.ts';

/** restart-service: a force update, so the engine replaces every task. */
export const restartService = defineFunction({
  name: 'restart-service',
  summary: 'Replace every task (force update)',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: serviceRefInput,
  output: serviceVersionSchema,
  audit: { action: 'service.restart', target: 'service' },
  handler: ({ input, principal, audit }, deps) =>
    withLatest(deps.swarm.inspectService, input.id, async (current) => {
      const written = await deps.swarm.updateService(current.service.id, current.service.version, await deps.gate.admitChange(principal, current, withForceUpdate(current.service.spec)));
      audit({ rollouts: [{ service: written.id, name: current.service.name, version: written.version }] });
      return written;
    }),
});
