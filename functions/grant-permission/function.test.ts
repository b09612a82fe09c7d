import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { whoami } from '../whoami/function.ts';
import { revokePermission } from '../revoke-permission/function.ts';
import { deleteUser } from '../delete-user/function.ts';
import { grantPermission } from './function.ts';

type Ctx = { deps: TestDeps; admin: string };
const test = suite<Ctx>('grant-permission, revoke-permission and delete-user rules', {} as Ctx);
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

test('should revoke idempotently, effective on the next request', async ({ deps, admin }) => {
  const bob = await deps.addUser('bob', ['nodes.read', 'events.read']);
  for (let i = 0; i < 2; i++) {
    const res = await mountFunction(revokePermission, deps).request('/', post({ username: 'bob', permission: 'nodes.read' }, { authorization: admin }));
    assert.equal(await res.json(), { username: 'bob', permissions: ['events.read'] });
  }
  assert.equal((await (await mountFunction(whoami, deps).request('/', { headers: { authorization: bob.authorization } })).json()).permissions, ['events.read']);
  const audits = deps.published.filter((e) => e.action === 'user.revoke');
  assert.is(audits.length, 2);
  assert.is(audits[0]!.actor.attributes['target'], 'user:bob');
});

test('should not grant or revoke what the granter does not hold', async ({ deps }) => {
  const lead = await deps.addUser('lead', ['users.write']);
  await deps.addUser('bob', ['nodes.write']);
  const grant = await mountFunction(grantPermission, deps).request('/', post({ username: 'bob', permission: 'services.privileged' }, { authorization: lead.authorization }));
  assert.is(grant.status, 403);
  const revoke = await mountFunction(revokePermission, deps).request('/', post({ username: 'bob', permission: 'nodes.write' }, { authorization: lead.authorization }));
  assert.is(revoke.status, 403);
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.write']);
});

test('should answer not_found for an unknown user and validation_failed for an unknown permission', async ({ deps, admin }) => {
  const res = await mountFunction(grantPermission, deps).request('/', post({ username: 'ghost', permission: 'nodes.read' }, { authorization: admin }));
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  const bad = await mountFunction(grantPermission, deps).request('/', post({ username: 'admin', permission: 'root' }, { authorization: admin }));
  assert.is(bad.status, 400);
});

test('should keep users.write on its last holder', async ({ deps, admin }) => {
  const res = await mountFunction(revokePermission, deps).request('/', post({ username: 'admin', permission: 'users.write' }, { authorization: admin }));
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'last_admin');
  await deps.addUser('second', ['users.write']);
  assert.is((await mountFunction(revokePermission, deps).request('/', post({ username: 'admin', permission: 'users.write' }, { authorization: admin }))).status, 200);
});

test('should let nobody delete themselves', async ({ deps, admin }) => {
  await deps.addUser('second', ['users.write']);
  const res = await mountFunction(deleteUser, deps).request('/', post({ username: 'admin' }, { authorization: admin }));
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'self_delete');
  assert.ok(await deps.users.get('admin'));
});

test('should not delete the last users.write holder', async ({ deps }) => {
  const second = await deps.addUser('second', ['users.write']);
  await deps.users.removePermission('admin', 'users.write');
  const res = await mountFunction(deleteUser, deps).request('/', post({ username: 'admin' }, { authorization: second.authorization }));
  assert.is(res.status, 204);
  const last = await deps.addUser('third', ['users.write']);
  await deps.users.removePermission('third', 'users.write');
  const res2 = await mountFunction(deleteUser, deps).request('/', post({ username: 'second' }, { authorization: last.authorization }));
  assert.is(res2.status, 403);
});

test('should delete a user, whose token then dies, and 404 the second time', async ({ deps, admin }) => {
  const bob = await deps.addUser('bob', ['nodes.read']);
  assert.is((await mountFunction(deleteUser, deps).request('/', post({ username: 'bob' }, { authorization: admin }))).status, 204);
  assert.is((await mountFunction(whoami, deps).request('/', { headers: { authorization: bob.authorization } })).status, 401);
  assert.is((await mountFunction(deleteUser, deps).request('/', post({ username: 'bob' }, { authorization: admin }))).status, 404);
});

test.run();
