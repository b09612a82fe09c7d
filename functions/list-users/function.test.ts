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
  const page = ctx.deps.users.page.bind(ctx.deps.users);
  ctx.deps.users.page = (query) => (ctx.listed++, page(query));
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
  for (const path of ['/', '/?limit=5']) {
    const res = await mountFunction(listUsers, ctx.deps).request(path, { headers: { authorization } });
    assert.is(res.status, 200, path);
    const body = await res.json();
    assert.equal(body.users.map((u: { username: string }) => u.username), ['admin']);
    assert.is(body.next, undefined, 'no next on the last page');
  }
  assert.is(ctx.listed, 2);
});

const names = (body: { users: { username: string }[] }) => body.users.map((u) => u.username);

test('should page by username with next while more users follow, by GET and POST', async (ctx) => {
  const { authorization } = await ctx.deps.addUser('admin', ['users.read']);
  for (const name of ['eve', 'bob', 'dan', 'carl']) await ctx.deps.addUser(name, []);
  const app = mountFunction(listUsers, ctx.deps);
  const first = await (await app.request('/?limit=2', { headers: { authorization } })).json();
  assert.equal(names(first), ['admin', 'bob']);
  assert.type(first.next, 'string');
  const second = await (await app.request('/', post({ limit: 2, cursor: first.next }, { authorization }))).json();
  assert.equal(names(second), ['carl', 'dan']);
  const third = await (await app.request(`/?limit=2&cursor=${encodeURIComponent(second.next)}`, { headers: { authorization } })).json();
  assert.equal(names(third), ['eve']);
  assert.is(third.next, undefined);
  assert.is(ctx.listed, 3);
});

test('should answer 100 users by default and at most 1000', async (ctx) => {
  const { authorization } = await ctx.deps.addUser('admin', ['users.read']);
  // Straight into the store: 1,000 Argon2id hashes would take minutes.
  for (let i = 0; i < 1000; i++) {
    await ctx.deps.users.create({ username: `u${String(i).padStart(4, '0')}`, passwordHash: 'x', permissions: [], tokenVersion: 0, createdAt: '2026-01-01T00:00:00.000Z' });
  }
  const app = mountFunction(listUsers, ctx.deps);
  const byDefault = await (await app.request('/', { headers: { authorization } })).json();
  assert.is(byDefault.users.length, 100);
  const most = await (await app.request('/?limit=1000', { headers: { authorization } })).json();
  assert.is(most.users.length, 1000);
  const rest = await (await app.request(`/?limit=1000&cursor=${most.next}`, { headers: { authorization } })).json();
  assert.equal(names(rest), ['u0999']);
  assert.is(rest.next, undefined);
});

test('should refuse a bad limit, a bad cursor or an unknown field with validation_failed', async (ctx) => {
  const { authorization } = await ctx.deps.addUser('admin', ['users.read']);
  const app = mountFunction(listUsers, ctx.deps);
  for (const [path, field] of [['/?limit=0', 'limit'], ['/?limit=1001', 'limit'], ['/?limit=ten', 'limit'], ['/?cursor=not-a-cursor', 'cursor'], ['/?username=admin', '(body)']] as const) {
    const res = await app.request(path, { headers: { authorization } });
    assert.is(res.status, 400, path);
    const { error } = await res.json();
    assert.is(error.code, 'validation_failed', path);
    if (field !== '(body)') assert.equal(error.details.map((d: { field: string }) => d.field), [field], path);
  }
  for (const body of [{ limit: 2.5 }, { cursor: 7 }, { cursor: Buffer.from('{"u":1}').toString('base64url') }]) {
    const res = await app.request('/', post(body, { authorization }));
    assert.is(res.status, 400, JSON.stringify(body));
  }
  assert.is(ctx.listed, 0);
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
