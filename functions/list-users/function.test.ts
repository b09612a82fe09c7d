import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { listUsers } from './function.ts';

type Ctx = { deps: TestDeps; listed: number };
const test = suite<Ctx>('list-users', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  // Counts the handler's reads, to show that a refused request never got to it.
  ctx.listed = 0;
  const list = ctx.deps.users.list.bind(ctx.deps.users);
  ctx.deps.users.list = () => (ctx.listed++, list());
});
test.after.each(({ deps }) => deps.cleanup());

test('should answer {users} with username, permissions and createdAt of each, by POST', async ({ deps }) => {
  const { authorization } = await deps.addUser('admin', ['users.read', 'users.write']);
  await deps.addUser('bob', ['nodes.read']);
  const res = await mountFunction(listUsers, deps).request('/', post({}, { authorization }));
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  const { users } = await res.json();
  const stored = await deps.users.list();
  assert.equal(
    [...users].sort((a: { username: string }, b: { username: string }) => a.username.localeCompare(b.username)),
    stored.map(({ username, permissions, createdAt }) => ({ username, permissions, createdAt })).sort((a, b) => a.username.localeCompare(b.username)),
  );
  assert.equal(users.map((u: { username: string }) => u.username).sort(), ['admin', 'bob']);
});

test('should never answer a password or a hash', async ({ deps }) => {
  const { authorization } = await deps.addUser('admin', ['users.read'], 'admin secret pw');
  await deps.addUser('bob', [], 'bob secret pw');
  const res = await mountFunction(listUsers, deps).request('/', { headers: { authorization } });
  const text = await res.text();
  for (const user of JSON.parse(text).users) assert.equal(Object.keys(user).sort(), ['createdAt', 'permissions', 'username']);
  assert.not.match(text, /argon2|passwordHash|tokenVersion|secret pw/i);
  assert.not.match(text, (await deps.users.get('bob'))!.passwordHash.split('$').at(-1)!);
});

test('should answer GET, with or without query parameters', async (ctx) => {
  const { authorization } = await ctx.deps.addUser('admin', ['users.read']);
  for (const path of ['/', '/?username=admin']) {
    const res = await mountFunction(listUsers, ctx.deps).request(path, { headers: { authorization } });
    assert.is(res.status, 200, path);
    assert.equal((await res.json()).users.map((u: { username: string }) => u.username), ['admin']);
  }
  assert.is(ctx.listed, 2);
});

test('should answer 401 without a token, without reading the users', async (ctx) => {
  await ctx.deps.addUser('admin', ['users.read']);
  for (const init of [post({}), { method: 'GET' }]) {
    const res = await mountFunction(listUsers, ctx.deps).request('/', init);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
  assert.is(ctx.listed, 0);
});

test('should need users.read, even for a users.write holder, without reading the users', async (ctx) => {
  const { authorization } = await ctx.deps.addUser('lead', ['users.write', 'services.read']);
  const res = await mountFunction(listUsers, ctx.deps).request('/', { headers: { authorization } });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.is(ctx.listed, 0);
});

test('should refuse a body that is not a JSON object with validation_failed, without reading the users', async (ctx) => {
  const { authorization } = await ctx.deps.addUser('admin', ['users.read']);
  for (const body of ['{"x":', '[]', '"everyone"']) {
    const res = await mountFunction(listUsers, ctx.deps).request('/', post(body, { authorization }));
    assert.is(res.status, 400, body);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.is(ctx.listed, 0);
});

test.run();
