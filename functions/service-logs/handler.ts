import type { Deps } from '../../lib/deps.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { serviceLogsInput } from './schema.ts';

export const serviceLogs = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps, 'services.read'), input(serviceLogsInput), async (c) => {
    const { id, since, tail } = c.var.input;
    return c.json({ lines: await deps.swarm.serviceLogs(id, { since, tail: tail ?? 200 }) });
  });
