import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { whoami } from '../whoami/function.ts';
import { deleteUser } from './function.ts';

type Ctx = { deps: TestDeps; admin: string };
const test = suite<Ctx>('delete-user', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.admin = (await ctx.deps.addUser('admin', ALL_PERMISSIONS)).authorization;
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(deleteUser, deps).request('/', post(body, headers));

test('should delete a user with 204, whose token then dies, and 404 the second time', async ({ deps, admin }) => {
  const bob = await deps.addUser('bob', ['nodes.read']);
  const res = await ask(deps, { username: 'bob' }, { authorization: admin });
  assert.is(res.status, 204);
  assert.is(await res.text(), '');
  assert.is(await deps.users.get('bob'), null);
  assert.is((await mountFunction(whoami, deps).request('/', { headers: { authorization: bob.authorization } })).status, 401);
  const again = await ask(deps, { username: 'bob' }, { authorization: admin });
  assert.is(again.status, 404);
  assert.is((await again.json()).error.code, 'not_found');
});

test('should find the user by the normalised username', async ({ deps, admin }) => {
  await deps.addUser('bob', []);
  const res = await mountFunction(deleteUser, deps).request('/', post({ username: 'BOB' }, { authorization: admin }));
  assert.is(res.status, 204);
  assert.is(await deps.users.get('bob'), null);
});

test('should audit the delete with the user as target', async ({ deps, admin }) => {
  await deps.addUser('bob', []);
  await ask(deps, { username: 'bob' }, { authorization: admin });
  await ask(deps, { username: 'bob' }, { authorization: admin });
  const audits = deps.published.filter((e) => e.action === 'user.delete');
  assert.equal(audits.map((e) => [e.actor.id, e.actor.attributes['target'], e.actor.attributes['result'], e.actor.attributes['error']]), [
    ['admin', 'user:bob', 'success', undefined],
    ['admin', 'user:bob', 'failure', 'not_found'],
  ]);
});

test('should let nobody delete themselves', async ({ deps, admin }) => {
  await deps.addUser('second', ['users.write']);
  const res = await ask(deps, { username: 'admin' }, { authorization: admin });
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'self_delete');
  assert.ok(await deps.users.get('admin'));
});

test('should delete a former users.write holder while another holds it', async ({ deps }) => {
  // NOTE: last_admin cannot be reached through delete-user: the caller needs users.write, so a target that
  // holds it too is never the last holder, and the caller deleting itself is self_delete first.
  const second = await deps.addUser('second', ['users.write']);
  await deps.users.removePermission('admin', 'users.write');
  const res = await ask(deps, { username: 'admin' }, { authorization: second.authorization });
  assert.is(res.status, 204);
  assert.is(await deps.users.get('admin'), null);
});

test('should answer 401 without a token, leaving the user in place', async ({ deps }) => {
  await deps.addUser('bob', []);
  const res = await ask(deps, { username: 'bob' });
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.ok(await deps.users.get('bob'));
  assert.equal(deps.published, []);
});

test('should need users.write, leaving the user in place without it', async ({ deps }) => {
  const reader = await deps.addUser('reader', ['users.read']);
  await deps.addUser('bob', []);
  const res = await ask(deps, { username: 'bob' }, { authorization: reader.authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.ok(await deps.users.get('bob'));
});

test('should refuse bad input with validation_failed, leaving every user in place', async ({ deps, admin }) => {
  await deps.addUser('bob', []);
  for (const body of [{}, { username: '' }, { username: 7 }, { username: 'b'.repeat(65) }, { username: 'bob', force: true }, '[]']) {
    const res = await ask(deps, body, { authorization: admin });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal((await deps.users.list()).map((u) => u.username).sort(), ['admin', 'bob']);
});

test('should answer only POST: GET is 404', async ({ deps, admin }) => {
  await deps.addUser('bob', []);
  const res = await mountFunction(deleteUser, deps).request('/?username=bob', { headers: { authorization: admin } });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.ok(await deps.users.get('bob'));
});

test.run();
