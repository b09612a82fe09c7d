import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createTokenService } from '../../lib/auth/tokens.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { login } from '../login/function.ts';
import { whoami } from './function.ts';

const test = suite<{ deps: TestDeps }>('whoami and authentication', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, headers: Record<string, string | undefined>, init: RequestInit = {}) => mountFunction(whoami, deps).request('/', { headers: headers as Record<string, string>, ...init });

test('should answer the user with a Bearer token, by GET and by POST', async ({ deps }) => {
  const { authorization } = await deps.addUser('bob', ['nodes.read']);
  for (const method of ['GET', 'POST']) {
    const res = await ask(deps, { authorization }, { method });
    assert.is(res.status, 200);
    assert.equal(await res.json(), { username: 'bob', permissions: ['nodes.read'] });
    assert.is(res.headers.get('content-type'), 'application/json');
  }
});

test('should answer the user with the session cookie', async ({ deps }) => {
  const { token } = await deps.addUser('bob', []);
  const res = await ask(deps, { cookie: `other=1; session=${token}` });
  assert.is(res.status, 200);
});

test('should slide a browser session past half its life, and only a cookie one', async ({ deps }) => {
  await deps.addUser('bob', []);
  const old = createTokenService({ secret: deps.secret, now: () => Date.now() - 10 * 60_000 });
  const { token } = await old.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0 });
  const byCookie = await ask(deps, { cookie: `session=${token}` });
  assert.is(byCookie.status, 200);
  const fresh = /^session=([^;]+);.*HttpOnly; SameSite=Strict/.exec(byCookie.headers.get('set-cookie') ?? '');
  assert.ok(fresh, byCookie.headers.get('set-cookie') ?? 'no cookie');
  assert.ok((await deps.tokens.verify(fresh[1]!)).issuedAt > Date.now() / 1000 - 5);
  const byBearer = await ask(deps, { authorization: `Bearer ${token}` });
  assert.is(byBearer.headers.get('set-cookie'), null);
  const young = (await deps.tokens.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0 })).token;
  assert.is((await ask(deps, { cookie: `session=${young}` })).headers.get('set-cookie'), null);
});

test('should refuse the tokens of a deleted user after a new user of the same name is created', async ({ deps }) => {
  // Both accounts start at token version 0: only the account id tells the old tokens from the new.
  const old = await deps.addUser('bob', ['users.write'], 'first password 1');
  await deps.users.delete('bob');
  const reborn = await deps.addUser('bob', [], 'second password 2');
  const res = await ask(deps, { authorization: old.authorization });
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.is((await ask(deps, { cookie: `session=${old.token}` })).status, 401);
  assert.is((await ask(deps, { authorization: reborn.authorization })).status, 200);
});

test('should refuse a token that names no account id, as tokens before account ids did', async ({ deps }) => {
  await deps.addUser('bob', []);
  const legacy = await new SignJWT({ ver: 0, sst: Math.floor(Date.now() / 1000) }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('bob')
    .setIssuer('swarm-dashboard').setAudience('swarm-dashboard-api').setIssuedAt().setExpirationTime('5m').sign(deps.secret);
  assert.is((await ask(deps, { authorization: `Bearer ${legacy}` })).status, 401);
});

test('should accept over HTTPS only the __Host- cookie, never a plain session cookie (cookie tossing)', async ({ deps }) => {
  const { token } = await deps.addUser('bob', []);
  const https = (cookie: string) => mountFunction(whoami, deps).request('https://dash.example/', { headers: { cookie } });
  const plain = await https(`session=${token}`);
  assert.is(plain.status, 401);
  assert.is((await plain.json()).error.code, 'unauthenticated');
  assert.is((await https(`__Host-session=${token}`)).status, 200);
  assert.is((await https(`session=${token}; __Host-session=${token}`)).status, 200);
  // Behind a trusted proxy, X-Forwarded-Proto says HTTPS.
  deps.http = { ...deps.http, trustProxy: true };
  const proxied = await mountFunction(whoami, deps).request('http://internal/', { headers: { cookie: `session=${token}`, 'x-forwarded-proto': 'https' } });
  assert.is(proxied.status, 401);
  // Over plain HTTP the plain cookie is the session cookie.
  assert.is((await ask(deps, { cookie: `session=${token}` })).status, 200);
});

test('should read permissions on every request, not from the token', async ({ deps }) => {
  const { authorization } = await deps.addUser('bob', []);
  await deps.users.addPermission('bob', 'events.read');
  assert.equal((await (await ask(deps, { authorization })).json()).permissions, ['events.read']);
});

test('should refuse a missing, malformed or foreign token with unauthenticated', async ({ deps }) => {
  await deps.addUser('bob', []);
  const other = createTokenService({ secret: new Uint8Array(32).fill(7) });
  const foreign = (await other.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0 })).token;
  const none = new UnsecuredJWT({ ver: 0 }).setSubject('bob').setIssuer('swarm-dashboard').setAudience('swarm-dashboard-api').setIssuedAt().setExpirationTime('5m').encode();
  const wrongAudience = await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('bob').setIssuer('swarm-dashboard').setAudience('other').setIssuedAt().setExpirationTime('5m').sign(deps.secret);
  const hs512 = await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).setSubject('bob').setIssuer('swarm-dashboard').setAudience('swarm-dashboard-api').setIssuedAt().setExpirationTime('5m').sign(new Uint8Array([...deps.secret, ...deps.secret]));
  for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, { authorization: 'Bearer a.b.c' }, { authorization: `Bearer ${foreign}` }, { authorization: `Bearer ${none}` }, { authorization: `Bearer ${wrongAudience}` }, { authorization: `Bearer ${hs512}` }, { cookie: 'session=' }]) {
    const res = await ask(deps, headers);
    assert.is(res.status, 401, JSON.stringify(headers));
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
});

test('should refuse an expired token', async ({ deps }) => {
  await deps.addUser('bob', []);
  const past = createTokenService({ secret: deps.secret, now: () => Date.now() - 16 * 60_000 });
  const { token } = await past.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0 });
  assert.is((await ask(deps, { authorization: `Bearer ${token}` })).status, 401);
});

test('should kill the tokens of a deleted user and after a password change at once', async ({ deps }) => {
  const bob = await deps.addUser('bob', []);
  const carol = await deps.addUser('carol', []);
  await deps.users.delete('bob');
  assert.is((await ask(deps, { authorization: bob.authorization })).status, 401);
  await deps.users.setPassword('carol', 'new hash');
  assert.is((await ask(deps, { authorization: carol.authorization })).status, 401);
});

test.run();

const lifetime = suite('absolute session lifetime');

lifetime('should end a sliding browser session 12 hours after the login by default, however active', async () => {
  let clock = Date.parse('2026-03-01T08:00:00Z');
  const deps = await createTestDeps({ now: () => clock });
  try {
    await deps.addUser('bob', [], 'bob password 1');
    const start = clock;
    const loggedIn = await mountFunction(login, deps).request('/', post({ username: 'bob', password: 'bob password 1' }));
    let cookie = /^session=([^;]+)/.exec(loggedIn.headers.getSetCookie()[0] ?? '')![1]!;
    let lastOk = start;
    let renewals = 0;
    // Active every 5 minutes for a day: the session renews itself until its absolute end, then stops.
    for (clock = start + 5 * 60_000; clock < start + 24 * 3600_000; clock += 5 * 60_000) {
      const res = await ask(deps, { cookie: `session=${cookie}` });
      if (res.status !== 200) {
        assert.is(res.status, 401);
        break;
      }
      lastOk = clock;
      const fresh = /^session=([^;]+);.*Max-Age=(\d+)/.exec(res.headers.get('set-cookie') ?? '');
      if (fresh) {
        renewals++;
        cookie = fresh[1]!;
        const claims = await deps.tokens.verify(cookie);
        assert.is(claims.sessionStartedAt, start / 1000, 'a renewal keeps the session start');
        assert.ok(clock / 1000 + Number(fresh[2]) <= start / 1000 + 12 * 3600, 'the cookie lives no longer than the session');
      }
    }
    assert.ok(renewals > 50, `renewed ${renewals} times`);
    assert.ok(lastOk < start + 12 * 3600_000, `still accepted ${(lastOk - start) / 3600_000} h after the login`);
    assert.ok(lastOk >= start + 12 * 3600_000 - 15 * 60_000, `ended early: ${(lastOk - start) / 3600_000} h`);
  } finally {
    await deps.cleanup();
  }
});

lifetime('should take the session lifetime from the token service (SESSION_MAX_SECONDS)', async () => {
  let clock = Date.parse('2026-03-01T08:00:00Z');
  const deps = await createTestDeps({ now: () => clock, sessionMaxSeconds: 3600 });
  try {
    await deps.addUser('bob', [], 'bob password 1');
    const start = clock;
    const { token } = await deps.tokens.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0 });
    const { sessionStartedAt } = await deps.tokens.verify(token);
    assert.is(sessionStartedAt, start / 1000);
    clock = start + 50 * 60_000;
    const renewed = await deps.tokens.issue({ username: 'bob', accountId: await deps.accountId('bob'), tokenVersion: 0, sessionStartedAt });
    assert.is(renewed.maxAgeSeconds, 10 * 60, 'the renewal ends with the session');
    clock = start + 3600_000;
    assert.is((await ask(deps, { authorization: `Bearer ${renewed.token}` })).status, 401);
  } finally {
    await deps.cleanup();
  }
});

lifetime.run();
