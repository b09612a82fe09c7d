import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { updateNodeInput } from './schema.ts';

export const updateNode = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'nodes.write'), audited(deps, 'node.update', 'node'), input(updateNodeInput), async (c) => {
    const { id, version, ...update } = c.var.input;
    c.set('audit', { after: update });
    return c.json(await deps.swarm.updateNode(id, version, update));
  });
