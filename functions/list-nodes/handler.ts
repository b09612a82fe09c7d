import type { Deps } from '../../lib/deps.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { noInput } from '../../lib/http/input.ts';

export const listNodes = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps, 'nodes.read'), noInput, async (c) =>
    c.json({ nodes: await deps.swarm.listNodes() }),
  );
