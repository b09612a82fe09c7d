import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { whoami } from '../whoami/function.ts';
import { revokePermission } from './function.ts';

type Ctx = { deps: TestDeps; admin: string };
const test = suite<Ctx>('revoke-permission', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.admin = (await ctx.deps.addUser('admin', ALL_PERMISSIONS)).authorization;
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(revokePermission, deps).request('/', post(body, headers));

test('should revoke idempotently, effective on the next request, and audit each call', async ({ deps, admin }) => {
  const bob = await deps.addUser('bob', ['nodes.read', 'events.read']);
  for (let i = 0; i < 2; i++) {
    const res = await ask(deps, { username: 'bob', permission: 'nodes.read' }, { authorization: admin });
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'application/json');
    assert.equal(await res.json(), { username: 'bob', permissions: ['events.read'] });
  }
  assert.equal((await (await mountFunction(whoami, deps).request('/', { headers: { authorization: bob.authorization } })).json()).permissions, ['events.read']);
  const audits = deps.published.filter((e) => e.action === 'user.revoke');
  assert.is(audits.length, 2);
  assert.is(audits[0]!.actor.id, 'admin');
  assert.is(audits[0]!.actor.attributes['target'], 'user:bob');
  assert.is(audits[0]!.actor.attributes['result'], 'success');
  assert.equal(JSON.parse(audits[0]!.actor.attributes['after']!), { permissions: ['events.read'] });
});

test('should not revoke what the revoker does not hold', async ({ deps }) => {
  const lead = await deps.addUser('lead', ['users.write']);
  await deps.addUser('bob', ['nodes.write']);
  const res = await ask(deps, { username: 'bob', permission: 'nodes.write' }, { authorization: lead.authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.write']);
});

test('should keep users.write on its last holder', async ({ deps, admin }) => {
  const res = await ask(deps, { username: 'admin', permission: 'users.write' }, { authorization: admin });
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'last_admin');
  assert.ok((await deps.users.get('admin'))!.permissions.includes('users.write'));
  await deps.addUser('second', ['users.write']);
  assert.is((await ask(deps, { username: 'admin', permission: 'users.write' }, { authorization: admin })).status, 200);
  assert.not.ok((await deps.users.get('admin'))!.permissions.includes('users.write'));
});

test('should answer not_found for an unknown user', async ({ deps, admin }) => {
  const res = await ask(deps, { username: 'ghost', permission: 'nodes.read' }, { authorization: admin });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
});

test('should answer 401 without a token, leaving the user unchanged', async ({ deps }) => {
  await deps.addUser('bob', ['nodes.read']);
  const res = await ask(deps, { username: 'bob', permission: 'nodes.read' });
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.read']);
  assert.equal(deps.published, []);
});

test('should need users.write, leaving the user unchanged without it', async ({ deps }) => {
  const reader = await deps.addUser('reader', ['users.read', 'nodes.read']);
  await deps.addUser('bob', ['nodes.read']);
  const res = await ask(deps, { username: 'bob', permission: 'nodes.read' }, { authorization: reader.authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.read']);
});

test('should refuse bad input with validation_failed, leaving the user unchanged', async ({ deps, admin }) => {
  await deps.addUser('bob', ['nodes.read']);
  for (const body of [{ username: 'bob', permission: 'root' }, { username: 'bob' }, { permission: 'nodes.read' }, { username: '', permission: 'nodes.read' }, { username: 'bob', permission: 'nodes.read', all: true }]) {
    const res = await ask(deps, body, { authorization: admin });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.read']);
});

test('should answer only POST: GET is 404', async ({ deps, admin }) => {
  await deps.addUser('bob', ['nodes.read']);
  const res = await mountFunction(revokePermission, deps).request('/?username=bob&permission=nodes.read', { headers: { authorization: admin } });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.equal((await deps.users.get('bob'))!.permissions, ['nodes.read']);
});

test.run();
