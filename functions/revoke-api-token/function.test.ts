import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { createApiToken } from '../create-api-token/function.ts';
import { whoami } from '../whoami/function.ts';
import { revokeApiToken } from './function.ts';

const test = suite<{ deps: TestDeps }>('revoke-api-token', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
test.after.each(({ deps }) => deps.cleanup());

const make = async (deps: TestDeps, authorization: string) =>
  (await mountFunction(createApiToken, deps).request('/', post({ name: 'ci', permissions: ['services.read'] }, { authorization }))).json();
const revoke = (deps: TestDeps, authorization: string, body: unknown) => mountFunction(revokeApiToken, deps).request('/', post(body, { authorization }));
const me = (deps: TestDeps, token: string) => mountFunction(whoami, deps).request('/', { headers: { authorization: `Bearer ${token}` } });

test('should answer 204 and refuse the token on the next request', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const { id, token } = await make(deps, bob.authorization);
  assert.is((await me(deps, token)).status, 200);
  assert.is((await revoke(deps, bob.authorization, { id })).status, 204);
  assert.is((await me(deps, token)).status, 401);
  assert.is((await revoke(deps, bob.authorization, { id })).status, 404);
});

test('should answer 404 for another user\'s token and keep it working', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const carol = await deps.addUser('carol', ['services.read']);
  const { id, token } = await make(deps, bob.authorization);
  const res = await revoke(deps, carol.authorization, { id });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.is((await me(deps, token)).status, 200);
});

test('should let a token revoke itself', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const { id, token } = await make(deps, bob.authorization);
  assert.is((await revoke(deps, `Bearer ${token}`, { id })).status, 204);
  assert.is((await me(deps, token)).status, 401);
});

test('should refuse a malformed id with 400', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  for (const body of [{}, { id: 'x' }, { id: 42 }]) assert.is((await revoke(deps, bob.authorization, body)).status, 400, JSON.stringify(body));
});

test.run();
