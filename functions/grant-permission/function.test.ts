import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { whoami } from '../whoami/function.ts';
import { grantPermission } from './function.ts';

type Ctx = { deps: TestDeps; admin: string };
const test = suite<Ctx>('grant-permission', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.admin = (await ctx.deps.addUser('admin', ALL_PERMISSIONS)).authorization;
});
test.after.each(({ deps }) => deps.cleanup());

test('should grant idempotently, effective on the next request', async ({ deps, admin }) => {
  const bob = await deps.addUser('bob', []);
  for (let i = 0; i < 2; i++) {
    const res = await mountFunction(grantPermission, deps).request('/', post({ username: 'bob', permission: 'nodes.read' }, { authorization: admin }));
    assert.is(res.status, 200);
    assert.equal(await res.json(), { username: 'bob', permissions: ['nodes.read'] });
  }
  assert.equal((await (await mountFunction(whoami, deps).request('/', { headers: { authorization: bob.authorization } })).json()).permissions, ['nodes.read']);
});

test('should not grant what the granter does not hold', async ({ deps }) => {
  const lead = await deps.addUser('lead', ['users.write']);
  await deps.addUser('bob', ['nodes.write']);
  const grant = await mountFunction(grantPermission, deps).request('/', post({ username: 'bob', permission: 'services.privileged' }, { authorization: lead.authorization }));
  assert.is(grant.status, 403);
  assert.is((await grant.json()).error.code, 'forbidden');
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.write']);
});

test('should answer not_found for an unknown user and validation_failed for an unknown permission', async ({ deps, admin }) => {
  const res = await mountFunction(grantPermission, deps).request('/', post({ username: 'ghost', permission: 'nodes.read' }, { authorization: admin }));
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  const bad = await mountFunction(grantPermission, deps).request('/', post({ username: 'admin', permission: 'root' }, { authorization: admin }));
  assert.is(bad.status, 400);
  assert.is((await bad.json()).error.code, 'validation_failed');
});

test('should find the user by the normalised username', async ({ deps, admin }) => {
  await deps.addUser('bob', []);
  const res = await mountFunction(grantPermission, deps).request('/', post({ username: 'ＢＯＢ', permission: 'nodes.read' }, { authorization: admin }));
  assert.is(res.status, 200);
  assert.equal(await res.json(), { username: 'bob', permissions: ['nodes.read'] });
});

test.run();
