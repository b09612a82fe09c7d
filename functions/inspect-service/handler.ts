import type { Deps } from '../../lib/deps.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { serviceRefInput } from './schema.ts';

export const inspectService = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps, 'services.read'), input(serviceRefInput), async (c) =>
    c.json(await deps.swarm.inspectService(c.var.input.id)),
  );
