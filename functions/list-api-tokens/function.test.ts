import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { createApiToken } from '../create-api-token/function.ts';
import { listApiTokens } from './function.ts';

const test = suite<{ deps: TestDeps }>('list-api-tokens', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
test.after.each(({ deps }) => deps.cleanup());

const list = (deps: TestDeps, authorization: string) => mountFunction(listApiTokens, deps).request('/', { headers: { authorization } });

test('should list only the caller\'s tokens, without secrets', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const carol = await deps.addUser('carol', ['services.read']);
  const made = await (await mountFunction(createApiToken, deps).request('/', post({ name: 'ci', permissions: ['services.read'] }, { authorization: bob.authorization }))).json();
  const res = await list(deps, bob.authorization);
  assert.is(res.status, 200);
  const { tokens } = await res.json();
  assert.is(tokens.length, 1);
  assert.equal(Object.keys(tokens[0]).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'permissions']);
  assert.is(tokens[0].id, made.id);
  assert.equal(tokens[0].permissions, ['services.read']);
  assert.equal((await (await list(deps, carol.authorization)).json()).tokens, []);
});

test('should answer 401 without a login', async ({ deps }) => {
  const res = await mountFunction(listApiTokens, deps).request('/');
  assert.is(res.status, 401);
});

test.run();
