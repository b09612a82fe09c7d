import type { Deps } from '../../lib/deps.ts';
import { AppError } from '../../lib/errors.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { enforcePolicy, updateLatest } from '../../lib/swarm/guarded-update.ts';
import { serviceRefInput } from '../inspect-service/schema.ts';

/** rollback-service: the previous spec must pass the policy too, or a rollback could restore a privileged spec. */
export const rollbackService = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'services.write'), audited(deps, 'service.rollback', 'service'), input(serviceRefInput), async (c) =>
    c.json(
      await updateLatest(
        deps.swarm,
        c.var.input.id,
        async ({ service }) => {
          if (!service.previousSpec) throw new AppError('no_previous_spec', `Service ${service.name} has no previous spec to roll back to`);
          c.set('audit', { targetId: service.id, before: service.spec, after: service.previousSpec });
          await enforcePolicy(deps.swarm, c.var.principal, service.previousSpec);
          return service.spec;
        },
        { rollback: true },
      ),
    ),
  );
