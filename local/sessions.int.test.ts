/**
 * Sessions and the login throttle against local mode as a process (issue 10, items 5, 16, 19 and 21; their unit
 * tests run the functions in-process). The server trusts 127.0.0.1 as its proxy (TRUST_PROXY, TRUSTED_PROXIES),
 * as a function behind the gateway trusts the gateway, so the test can speak as the proxy does.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalServer, type LocalServer } from '../testing/local-server.ts';

const test = suite<{ server: LocalServer; admin: string }>('local mode: sessions and the login throttle', {} as never);
test.before(async (ctx) => {
  ctx.server = await startLocalServer({ env: { TRUST_PROXY: 'true', TRUSTED_PROXIES: '127.0.0.1' } });
  ctx.admin = (await login(ctx.server, ctx.server.adminUsername, ctx.server.adminPassword)).body.token;
});
test.after(async ({ server }) => {
  await server.stop();
});

async function call(server: LocalServer, name: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${server.url}/function/${name}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const login = (server: LocalServer, username: string, password: string, headers: Record<string, string> = {}) =>
  call(server, 'login', headers, { username, password });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('item 5: a token of a deleted user does not open the account made again under that name', async ({ server, admin }) => {
  assert.is((await call(server, 'create-user', bearer(admin), { username: 'bob', password: 'bob password 1', permissions: ['services.read'] })).status, 201);
  const old = (await login(server, 'bob', 'bob password 1')).body.token;
  assert.is((await call(server, 'whoami', bearer(old))).status, 200);
  assert.is((await call(server, 'delete-user', bearer(admin), { username: 'bob' })).status, 204);
  assert.is((await call(server, 'create-user', bearer(admin), { username: 'bob', password: 'bob password 2', permissions: ['services.read'] })).status, 201);
  assert.is((await call(server, 'whoami', bearer(old))).status, 401);
  assert.is((await call(server, 'whoami', bearer((await login(server, 'bob', 'bob password 2')).body.token))).status, 200);
});

test('item 21: names that differ only in case or width are one name', async ({ server, admin }) => {
  for (const name of ['Admin', 'ADMIN', 'ａｄｍｉｎ']) {
    const res = await call(server, 'create-user', bearer(admin), { username: name, password: 'a password 123', permissions: [] });
    assert.is(res.status, 409, name);
    assert.is(res.body.error.code, 'user_exists');
  }
  assert.is((await login(server, 'ADMIN', server.adminPassword)).status, 200);
});

test('item 19: over HTTPS only the __Host- session cookie counts', async ({ server, admin }) => {
  const https = { 'x-forwarded-proto': 'https' };
  assert.is((await call(server, 'whoami', { ...https, cookie: `session=${admin}` })).status, 401, 'a tossed plain cookie over HTTPS');
  assert.is((await call(server, 'whoami', { ...https, cookie: `__Host-session=${admin}` })).status, 200);
  assert.is((await call(server, 'whoami', { cookie: `session=${admin}` })).status, 200, 'the plain cookie over HTTP');
});

test('item 16: the throttle keys on the address the trusted proxy appended, not on what the client wrote', async ({ server }) => {
  // Ten wrong passwords from one client that writes a new address of its own in front each time.
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    statuses.push((await login(server, 'admin', 'wrong password', { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.9` })).status);
  }
  assert.ok(statuses.includes(429), `one client, made-up entries: ${statuses.join(' ')}`);
  // The same from ten clients (ten appended addresses) stays within each pair's free failures.
  const apart: number[] = [];
  for (let i = 0; i < 10; i++) apart.push((await login(server, 'admin', 'wrong password', { 'x-forwarded-for': `203.0.113.${100 + i}` })).status);
  assert.equal([...new Set(apart)], [401], `ten clients: ${apart.join(' ')}`);
});

test('item 6d: an attacker is slowed down, and the account stays open to its owner', async ({ server }) => {
  const attacker = { 'x-forwarded-for': '203.0.113.50' };
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await login(server, 'admin', `guess ${i}`, attacker)).status);
  assert.ok(statuses.slice(5).every((s) => s === 429), `the attacker: ${statuses.join(' ')}`);
  const blocked = await login(server, 'admin', server.adminPassword, attacker);
  assert.is(blocked.status, 429, 'the right password from the blocked client waits too');
  assert.is((await login(server, 'admin', server.adminPassword, { 'x-forwarded-for': '198.51.100.77' })).status, 200, 'the owner elsewhere');
});

test('item 6e: a session guessing its own password is throttled', async ({ server, admin }) => {
  assert.is((await call(server, 'create-user', bearer(admin), { username: 'carol', password: 'carol password 1', permissions: [] })).status, 201);
  const carol = (await login(server, 'carol', 'carol password 1')).body.token;
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    statuses.push((await call(server, 'change-password', bearer(carol), { currentPassword: `guess number ${i}`, newPassword: 'carol password 2' })).status);
  }
  assert.equal(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((s) => s === 429), statuses.join(' '));
});

test.run();

// Item 6c: a peer that is not a configured proxy cannot pick its address by writing X-Forwarded-For.
const untrusted = suite<{ server: LocalServer }>('local mode: X-Forwarded-For from a peer that is no proxy', {} as never);
untrusted.before(async (ctx) => {
  // TRUST_PROXY=true would trust whatever peer connects (a function's only peer is the provider); here only a
  // listed proxy is, and the test's 127.0.0.1 is not one.
  ctx.server = await startLocalServer({ env: { TRUST_PROXY: 'false', TRUSTED_PROXIES: '192.0.2.1' } });
});
untrusted.after(async ({ server }) => {
  await server.stop();
});
untrusted('should count every try as the peer\'s own, whatever address it writes', async ({ server }) => {
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await login(server, 'admin', 'wrong password', { 'x-forwarded-for': `203.0.113.${i}` })).status);
  assert.ok(statuses.includes(429), `made-up addresses from 127.0.0.1: ${statuses.join(' ')}`);
});
untrusted.run();

// Item 7: a browser session slides while it is used, but ends SESSION_MAX_SECONDS after the login all the same.
const lifetime = suite<{ server: LocalServer }>('local mode: the absolute session lifetime', {} as never);
lifetime.before(async (ctx) => {
  ctx.server = await startLocalServer({ env: { TOKEN_TTL_SECONDS: '4', SESSION_MAX_SECONDS: '6' } });
});
lifetime.after(async ({ server }) => {
  await server.stop();
});
lifetime('should renew the cookie past half its life, and refuse every token of the session once it is over', async ({ server }) => {
  const res = await fetch(`${server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: server.adminPassword }) });
  const loggedIn = Date.now();
  const cookieOf = (r: Response) => /(?:^|,\s*)session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  let cookie = cookieOf(res);
  assert.ok(cookie, 'a session cookie');
  const seen: Array<{ at: number; status: number; renewed: boolean }> = [];
  while (Date.now() - loggedIn < 9_000) {
    await new Promise((r) => setTimeout(r, 300));
    const r = await fetch(`${server.url}/function/whoami`, { headers: { cookie: `session=${cookie}` } });
    await r.body?.cancel();
    const next = cookieOf(r);
    seen.push({ at: Date.now() - loggedIn, status: r.status, renewed: next !== undefined });
    if (next) cookie = next;
  }
  const trace = seen.map((x) => `${(x.at / 1000).toFixed(1)}s:${x.status}${x.renewed ? '+' : ''}`).join(' ');
  // The first token lived at most 4 s; answers after that came with renewed ones.
  assert.ok(seen.some((x) => x.renewed), `renewed: ${trace}`);
  assert.ok(seen.some((x) => x.status === 200 && x.at > 4_000), `in use past the first token's 4 s: ${trace}`);
  // The session started within the second before the login (token times are whole seconds) and lasts 6 s.
  assert.ok(seen.filter((x) => x.at > 6_100).every((x) => x.status === 401), `over after 6 s: ${trace}`);
  assert.ok(seen.filter((x) => x.at < 4_800).every((x) => x.status === 200), `alive before: ${trace}`);
});
lifetime.run();
