import type { Deps } from '../../lib/deps.ts';
import { audited } from '../../lib/http/audit.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { assertMayGrant } from '../../lib/users/rules.ts';
import { createUserInput } from './schema.ts';

export const createUser = (deps: Deps) =>
  functionApp().post('/', authenticated(deps, 'users.write'), audited(deps, 'user.create', 'user'), input(createUserInput), async (c) => {
    const { username, password } = c.var.input;
    const permissions = [...new Set(c.var.input.permissions ?? [])].sort();
    assertMayGrant(c.var.principal, permissions);
    const createdAt = deps.now().toISOString();
    await deps.users.create({ username, passwordHash: await deps.passwords.hash(password), permissions, tokenVersion: 0, createdAt });
    c.set('audit', { after: { username, permissions } });
    return c.json({ username, permissions, createdAt }, 201);
  });
