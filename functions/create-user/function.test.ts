import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { createUser } from './function.ts';

const test = suite<{ deps: TestDeps; admin: string }>('create-user', {} as { deps: TestDeps; admin: string });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.admin = (await ctx.deps.addUser('admin', ALL_PERMISSIONS)).authorization;
});
test.after.each(({ deps }) => deps.cleanup());

test('should create a user with an Argon2id hash and audit it', async ({ deps, admin }) => {
  const res = await mountFunction(createUser, deps).request('/', post({ username: 'dave', password: 'long enough pw', permissions: ['services.read', 'services.read'] }, { authorization: admin }));
  assert.is(res.status, 201);
  const body = await res.json();
  assert.equal({ ...body, createdAt: typeof body.createdAt }, { username: 'dave', permissions: ['services.read'], createdAt: 'string' });
  const stored = await deps.users.get('dave');
  assert.match(stored!.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.ok(await deps.passwords.verify(stored!.passwordHash, 'long enough pw'));
  const audit = deps.published.find((e) => e.action === 'user.create');
  assert.ok(audit);
  assert.is(audit.actor.attributes['username'], 'admin');
  assert.is(audit.actor.attributes['result'], 'success');
  assert.not.match(JSON.stringify(audit), /long enough pw/);
});

test('should refuse an existing username with user_exists', async ({ deps, admin }) => {
  await mountFunction(createUser, deps).request('/', post({ username: 'dave', password: 'long enough pw' }, { authorization: admin }));
  const res = await mountFunction(createUser, deps).request('/', post({ username: 'dave', password: 'long enough pw' }, { authorization: admin }));
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'user_exists');
  assert.is(deps.published.filter((e) => e.action === 'user.create').at(-1)!.actor.attributes['result'], 'failure');
});

test('should normalise usernames (NFKC, lower case), so no look-alike of an account can be created', async ({ deps, admin }) => {
  for (const username of ['Admin', 'ADMIN', '\uff21\uff24\uff2d\uff29\uff2e' /* full-width ＡＤＭＩＮ */]) {
    const res = await mountFunction(createUser, deps).request('/', post({ username, password: 'long enough pw' }, { authorization: admin }));
    assert.is(res.status, 409, username);
    assert.is((await res.json()).error.code, 'user_exists');
  }
  const res = await mountFunction(createUser, deps).request('/', post({ username: 'Dave.Ｏps', password: 'long enough pw' }, { authorization: admin }));
  assert.is(res.status, 201);
  assert.is((await res.json()).username, 'dave.ops');
  assert.equal((await deps.users.list()).map((u) => u.username), ['admin', 'dave.ops']);
});

test('should not let a granter give permissions it does not hold', async ({ deps }) => {
  const { authorization } = await deps.addUser('lead', ['users.write', 'services.read']);
  const res = await mountFunction(createUser, deps).request('/', post({ username: 'eve', password: 'long enough pw', permissions: ['services.read', 'nodes.write'] }, { authorization }));
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.is(await deps.users.get('eve'), null);
});

test('should need users.write, and not run without it', async ({ deps }) => {
  const { authorization } = await deps.addUser('reader', ['users.read']);
  const res = await mountFunction(createUser, deps).request('/', post({ username: 'eve', password: 'long enough pw' }, { authorization }));
  assert.is(res.status, 403);
  assert.is(await deps.users.get('eve'), null);
});

test('should refuse bad input with the bad fields named', async ({ deps, admin }) => {
  const cases: Array<[unknown, string]> = [
    [{ username: 'eve', password: 'short' }, 'password'],
    [{ username: ' eve', password: 'long enough pw' }, 'username'],
    [{ username: 'eve', password: 'long enough pw', permissions: ['root'] }, 'permissions.0'],
    [{ username: 'e'.repeat(65), password: 'long enough pw' }, 'username'],
    [{ username: 'eve', password: 'long enough pw', admin: true }, '(body)'],
  ];
  for (const [body, field] of cases) {
    const res = await mountFunction(createUser, deps).request('/', post(body, { authorization: admin }));
    assert.is(res.status, 400, JSON.stringify(body));
    const { error } = await res.json();
    assert.is(error.code, 'validation_failed');
    assert.ok(error.details.some((d: { field: string }) => d.field === field), `${JSON.stringify(error.details)} names ${field}`);
  }
});

test('should refuse a cookie-authenticated write from another origin, and accept our own', async ({ deps }) => {
  const { token } = await deps.addUser('lead', ['users.write']);
  const cookie = `session=${token}`;
  const url = 'http://127.0.0.1:8080/';
  const foreign = await mountFunction(createUser, deps).request(url, post({ username: 'eve', password: 'long enough pw' }, { cookie, host: '127.0.0.1:8080', origin: 'http://evil.example' }));
  assert.is(foreign.status, 403);
  const missing = await mountFunction(createUser, deps).request(url, post({ username: 'eve', password: 'long enough pw' }, { cookie, host: '127.0.0.1:8080' }));
  assert.is(missing.status, 403);
  assert.is(await deps.users.get('eve'), null);
  const own = await mountFunction(createUser, deps).request(url, post({ username: 'eve', password: 'long enough pw' }, { cookie, host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }));
  assert.is(own.status, 201);
});

test.run();
