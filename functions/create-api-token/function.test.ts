import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { API_TOKEN_PATTERN, hashApiToken } from '../../lib/auth/api-tokens.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { changePassword } from '../change-password/function.ts';
import { listUsers } from '../list-users/function.ts';
import { whoami } from '../whoami/function.ts';
import { createApiToken } from './function.ts';

let clock = Date.parse('2026-03-01T00:00:00.000Z');
const test = suite<{ deps: TestDeps }>('create-api-token', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  clock = Date.parse('2026-03-01T00:00:00.000Z');
  ctx.deps = await createTestDeps({ now: () => clock });
});
test.after.each(({ deps }) => deps.cleanup());

const create = (deps: TestDeps, authorization: string, body: unknown) => mountFunction(createApiToken, deps).request('/', post(body, { authorization }));
const me = (deps: TestDeps, token: string) => mountFunction(whoami, deps).request('/', { headers: { authorization: `Bearer ${token}` } });

test('should answer 201 with an sdt_ token shown once, stored only as its hash, expiring after 90 days by default', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read', 'users.read']);
  const res = await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read'] });
  assert.is(res.status, 201);
  const body = await res.json();
  assert.match(body.token, API_TOKEN_PATTERN);
  assert.is(body.name, 'ci');
  assert.is(body.expiresAt, '2026-05-30T00:00:00.000Z');
  const stored = await deps.apiTokens.findByHash(hashApiToken(body.token));
  assert.equal(stored?.id, body.id);
  assert.not.ok(JSON.stringify(await deps.apiTokens.list('bob')).includes(body.token));
  const who = await me(deps, body.token);
  assert.is(who.status, 200);
  assert.equal(await who.json(), { username: 'bob', permissions: ['services.read'] });
});

test('should give each token 256 random bits: two tokens differ', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const a = await (await create(deps, bob.authorization, { name: 'a', permissions: ['services.read'] })).json();
  const b = await (await create(deps, bob.authorization, { name: 'b', permissions: ['services.read'] })).json();
  assert.is.not(a.token, b.token);
  assert.is(Buffer.from(a.token.slice(4), 'base64url').length, 32);
});

test('should refuse permissions the caller does not hold with 403, and accept a scope of a held permission', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const res = await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read', 'users.write'] });
  assert.is(res.status, 403);
  assert.equal((await res.json()).error.details.permissions, ['users.write']);
  assert.equal(await deps.apiTokens.list('bob'), []);
  assert.is((await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read:stack=shop'] })).status, 201);
});

test('should refuse bad input with 400 validation_failed', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  for (const body of [
    {},
    { name: '', permissions: ['services.read'] },
    { name: 'ci', permissions: [] },
    { name: 'ci', permissions: ['services.jump'] },
    { name: 'ci', permissions: ['users.read:stack=shop'] },
    { name: 'ci', permissions: ['services.read:stack=a b'] },
    { name: 'ci', permissions: ['services.read'], expiresInDays: 0 },
    { name: 'ci', permissions: ['services.read'], expiresInDays: 366 },
    { name: 'ci', permissions: ['services.read'], extra: 1 },
  ]) {
    const res = await create(deps, bob.authorization, body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
});

test('should cap the token by the owner\'s current permissions on every request', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read', 'users.read']);
  const { token } = await (await create(deps, bob.authorization, { name: 'ci', permissions: ['users.read', 'services.read'] })).json();
  const list = () => mountFunction(listUsers, deps).request('/', { headers: { authorization: `Bearer ${token}` } });
  assert.is((await list()).status, 200);
  await deps.users.removePermission('bob', 'users.read');
  assert.is((await list()).status, 403);
  assert.equal((await (await me(deps, token)).json()).permissions, ['services.read']);
  await deps.users.addPermission('bob', 'users.read');
  assert.is((await list()).status, 200);
});

test('should refuse the token after it expires, and of an owner deleted and created again', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const { token } = await (await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read'], expiresInDays: 1 })).json();
  assert.is((await me(deps, token)).status, 200);
  clock += 86_400_000;
  assert.is((await me(deps, token)).status, 401);
  clock -= 86_400_000;
  await deps.users.delete('bob');
  await deps.addUser('bob', ['services.read']);
  assert.is((await me(deps, token)).status, 401);
});

test('should record the last use at most once a minute', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const { token } = await (await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read'] })).json();
  const lastUsed = async () => (await deps.apiTokens.list('bob'))[0]!.lastUsedAt;
  assert.is(await lastUsed(), null);
  await me(deps, token);
  assert.is(await lastUsed(), '2026-03-01T00:00:00.000Z');
  clock += 30_000;
  await me(deps, token);
  assert.is(await lastUsed(), '2026-03-01T00:00:00.000Z');
  clock += 30_000;
  await me(deps, token);
  assert.is(await lastUsed(), '2026-03-01T00:01:00.000Z');
});

test('should refuse an unknown or malformed sdt_ token with 401', async ({ deps }) => {
  for (const token of [`sdt_${'A'.repeat(43)}`, 'sdt_short', `sdt_${'A'.repeat(44)}`]) {
    const res = await me(deps, token);
    assert.is(res.status, 401, token);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
});

test('should not let a token create tokens or change the password', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read'], 'bob password 1');
  const { token } = await (await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read'] })).json();
  const again = await create(deps, `Bearer ${token}`, { name: 'more', permissions: ['services.read'] });
  assert.is(again.status, 403);
  assert.is((await again.json()).error.code, 'forbidden');
  const pw = await mountFunction(changePassword, deps).request('/', post({ currentPassword: 'bob password 1', newPassword: 'bob password 2' }, { authorization: `Bearer ${token}` }));
  assert.is(pw.status, 403);
  assert.ok(await deps.passwords.verify((await deps.users.get('bob'))!.passwordHash, 'bob password 1'));
});

test('should audit token.create with the id, never the secret', async ({ deps }) => {
  const bob = await deps.addUser('bob', ['services.read']);
  const body = await (await create(deps, bob.authorization, { name: 'ci', permissions: ['services.read'] })).json();
  const audit = deps.published.find((e) => e.action === 'token.create')!;
  assert.is(audit.actor.attributes['target'], `token:${body.id}`);
  assert.not.ok(JSON.stringify(deps.published).includes(body.token.slice(4)));
});

test.run();
