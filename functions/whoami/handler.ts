import type { Deps } from '../../lib/deps.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { noInput } from '../../lib/http/input.ts';

export const whoami = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps), noInput, (c) => {
    const { username, permissions } = c.var.principal;
    return c.json({ username, permissions });
  });
