import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { updateLatest } from '../../lib/swarm/guarded-update.ts';
import { withForceUpdate } from '../../lib/swarm/service-input.ts';
import { serviceRefInput } from '../inspect-service/schema.ts';

/** restart-service: a force update, so the engine replaces every task. */
export const restartService = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'services.write'), audited(deps, 'service.restart', 'service'), input(serviceRefInput), async (c) =>
    c.json(await updateLatest(deps.swarm, c.var.input.id, (current) => withForceUpdate(current.service.spec))),
  );
