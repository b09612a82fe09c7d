import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { updateLatest } from '../../lib/swarm/guarded-update.ts';
import { applyServiceInput } from '../../lib/swarm/service-input.ts';
import { scaleServiceInput } from './schema.ts';

export const scaleService = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'services.write'), audited(deps, 'service.scale', 'service'), input(scaleServiceInput), async (c) => {
    const { id, replicas } = c.var.input;
    return c.json(
      await updateLatest(deps.swarm, id, (current) => {
        const spec = applyServiceInput(current.service.spec, { replicas });
        c.set('audit', { targetId: current.service.id, before: { replicas: current.service.replicas.desired }, after: { replicas } });
        return spec;
      }),
    );
  });
