import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { enforcePolicy } from '../../lib/swarm/guarded-update.ts';
import { toServiceSpec } from '../../lib/swarm/service-input.ts';
import { createServiceInput } from './schema.ts';

export const createService = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'services.write'), audited(deps, 'service.create', 'service'), input(createServiceInput), async (c) => {
    const spec = toServiceSpec(c.var.input);
    c.set('audit', { targetId: c.var.input.name, after: spec });
    await enforcePolicy(deps.swarm, c.var.principal, spec);
    return c.json(await deps.swarm.createService(spec), 201);
  });
