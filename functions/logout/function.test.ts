import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { whoami } from '../whoami/function.ts';
import { logout } from './function.ts';

const test = suite<{ deps: TestDeps }>('logout', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
test.after.each(({ deps }) => deps.cleanup());

const me = (deps: TestDeps, authorization: string) => mountFunction(whoami, deps).request('/', { headers: { authorization } });
const ask = (deps: TestDeps, headers: Record<string, string> = {}, body?: string) =>
  mountFunction(logout, deps).request('/', { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
const tokenVersion = async (deps: TestDeps, username: string) => (await deps.users.get(username))!.tokenVersion;

test('should log out with 204, clear the cookie and end the session', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  const res = await ask(deps, { authorization: bob.authorization });
  assert.is(res.status, 204);
  assert.is(await res.text(), '');
  assert.match(res.headers.get('set-cookie') ?? '', /^session=; .*Max-Age=0/);
  assert.is((await me(deps, bob.authorization)).status, 401);
});

test('should bump the token version, ending every token of the user and no one else', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  const other = (await deps.tokens.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0 })).token;
  const carol = await deps.addUser('carol', []);
  assert.is(await tokenVersion(deps, 'bob'), 0);
  assert.is((await ask(deps, { authorization: bob.authorization })).status, 204);
  assert.is(await tokenVersion(deps, 'bob'), 1);
  const res = await me(deps, `Bearer ${other}`);
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.is(await tokenVersion(deps, 'carol'), 0);
  assert.is((await me(deps, carol.authorization)).status, 200);
});

test('should clear the __Host- cookie too over HTTPS', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  const res = await mountFunction(logout, deps).request('https://dash.example/', { method: 'POST', headers: { authorization: bob.authorization } });
  assert.is(res.status, 204);
  const cookies = res.headers.get('set-cookie') ?? '';
  assert.match(cookies, /session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
  assert.match(cookies, /__Host-session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0; Secure/);
});

test('should audit the logout as user.logout by the user', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  await ask(deps, { authorization: bob.authorization });
  const audits = deps.published.filter((e) => e.action === 'user.logout');
  assert.is(audits.length, 1);
  assert.is(audits[0]!.actor.id, 'bob');
  assert.is(audits[0]!.actor.attributes['target.type'], 'user');
  assert.is(audits[0]!.actor.attributes['result'], 'success');
});

test('should name the user who logged out as the audit target', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  await ask(deps, { authorization: bob.authorization });
  const audit = deps.published.find((e) => e.action === 'user.logout')!;
  assert.is(audit.actor.attributes['target'], 'user:bob');
});

test('should answer 401 without a token, publishing nothing', async ({ deps }) => {
  const res = await ask(deps);
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.equal(deps.published, []);
});

test('should refuse a body that is not JSON with validation_failed, keeping the session', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  for (const body of ['{"x":', 'not json', '[]']) {
    const res = await ask(deps, { authorization: bob.authorization, 'content-type': 'application/json' }, body);
    assert.is(res.status, 400, body);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.is(await tokenVersion(deps, 'bob'), 0);
  assert.is((await me(deps, bob.authorization)).status, 200);
});

test('should refuse a cookie-authenticated logout from another origin, keeping the session', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  const res = await mountFunction(logout, deps).request('http://127.0.0.1:8080/', post({}, { cookie: `session=${bob.token}`, host: '127.0.0.1:8080', origin: 'http://evil.example' }));
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.is(await tokenVersion(deps, 'bob'), 0);
});

test('should answer only POST: GET is 404, keeping the session', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  const res = await mountFunction(logout, deps).request('/', { headers: { authorization: bob.authorization } });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.is(await tokenVersion(deps, 'bob'), 0);
});

test.run();
