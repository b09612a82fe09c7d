import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { serviceRefInput } from '../inspect-service/schema.ts';

export const deleteService = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'services.write'), audited(deps, 'service.delete', 'service'), input(serviceRefInput), async (c) => {
    await deps.swarm.removeService(c.var.input.id);
    return c.body(null, 204);
  });
