import type { Deps } from '../../lib/deps.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { noInput } from '../../lib/http/input.ts';

/** list-services: one `GET /services?status=true` to the engine, however many services. */
export const listServices = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps, 'services.read'), noInput, async (c) =>
    c.json({ services: await deps.swarm.listServices() }),
  );
