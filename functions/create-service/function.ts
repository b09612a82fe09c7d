import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { readAttachable, toServiceSpec } from '../../lib/swarm/service-input.ts';
import { createServiceInput } from './schema.ts';

export const createService = defineFunction({
  name: 'create-service',
  summary: 'Create a service (security policy applies)',
  permission: 'services.write',
  scoped: true,
  readOnly: false,
  input: createServiceInput,
  output: z.object({ id: z.string(), name: z.string() }),
  status: 201,
  audit: { action: 'service.create', target: 'service' },
  async handler({ input, principal, audit }, deps) {
    const spec = toServiceSpec(input, await readAttachable(deps.swarm, input));
    audit({ targetId: input.name, after: spec });
    const created = await deps.swarm.createService(await deps.gate.admitSpec(principal, spec));
    // A new service has no earlier states: any version of it belongs to this rollout.
    audit({ rollouts: [{ service: created.id, name: created.name, version: 0 }] });
    return created;
  },
});
