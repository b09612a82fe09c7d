import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { enforcePolicy } from '../../lib/swarm/guarded-update.ts';
import { applyServiceInput } from '../../lib/swarm/service-input.ts';
import { updateServiceInput } from './schema.ts';

/** update-service: fields left out keep their value; the policy judges the whole resulting spec. */
export const updateService = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'services.write'), audited(deps, 'service.update', 'service'), input(updateServiceInput), async (c) => {
    const { id, version, ...patch } = c.var.input;
    const current = await deps.swarm.inspectService(id);
    const spec = applyServiceInput(current.service.spec, patch);
    c.set('audit', { targetId: current.service.id, before: current.service.spec, after: spec });
    await enforcePolicy(deps.swarm, c.var.principal, spec);
    return c.json(await deps.swarm.updateService(current.service.id, version, spec));
  });
