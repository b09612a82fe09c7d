import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { login } from './function.ts';

const test = suite<{ deps: TestDeps }>('login', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps({ throttle: { pairFreeFailures: 3, pairBaseDelayMs: 60_000 } });
  await ctx.deps.addUser('alice', ['services.read'], 'alice password');
});
test.after.each(({ deps }) => deps.cleanup());

test('should answer a token, the user and an HttpOnly SameSite=Strict cookie', async ({ deps }) => {
  const res = await mountFunction(login, deps).request('/', post({ username: 'alice', password: 'alice password' }));
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(body.user, { username: 'alice', permissions: ['services.read'] });
  assert.type(body.token, 'string');
  assert.ok(Date.parse(body.expiresAt) - Date.now() <= 15 * 60_000);
  const [cookie, device] = res.headers.getSetCookie();
  assert.match(cookie ?? '', /^session=[\w.-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=900$/);
  assert.match(device ?? '', /^device=[\w.-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=7776000$/);
  const claims = await deps.tokens.verify(body.token);
  assert.equal([claims.username, claims.tokenVersion], ['alice', 0]);
});

test('should set a __Host- Secure cookie over HTTPS', async ({ deps }) => {
  const res = await mountFunction(login, deps).request('https://dash.example/', post({ username: 'alice', password: 'alice password' }));
  const [cookie, device] = res.headers.getSetCookie();
  assert.match(cookie ?? '', /^__Host-session=.*; Secure$/);
  assert.match(device ?? '', /^__Host-device=.*; Secure$/);
});

test('should give one answer for an unknown user and a wrong password', async ({ deps }) => {
  const wrong = await mountFunction(login, deps).request('/', post({ username: 'alice', password: 'nope nope' }));
  const unknown = await mountFunction(login, deps).request('/', post({ username: 'mallory', password: 'nope nope' }));
  assert.is(wrong.status, 401);
  assert.is(unknown.status, 401);
  assert.equal(await wrong.json(), await unknown.json());
  assert.equal((await (await mountFunction(login, deps).request('/', post({ username: 'x', password: 'y' }))).json()).error.code, 'invalid_credentials');
  assert.is(wrong.headers.get('set-cookie'), null);
});

test('should spend a full password check on an unknown user, as on a wrong password', async ({ deps }) => {
  // Interleaved and compared by median, so machine load hits both alike. Skipping the KDF would be ~100× faster.
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 6; i++) {
    for (const [username, into] of [['alice', known], ['nobody', unknown]] as const) {
      const start = performance.now();
      await mountFunction(login, deps).request('/', post({ username, password: `wrong ${i}` }), { incoming: { socket: { remoteAddress: `10.0.${i}.1` } } });
      into.push(performance.now() - start);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(unknown) / median(known);
  assert.ok(ratio > 1 / 3 && ratio < 3, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
});

test('should answer 429 with Retry-After after repeated failures, for that account and client only', async ({ deps }) => {
  const app = mountFunction(login, deps);
  const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
  for (let i = 0; i < 3; i++) assert.is((await app.request('/', post({ username: 'alice', password: 'bad' }), from('10.1.1.1'))).status, 401);
  const limited = await app.request('/', post({ username: 'alice', password: 'alice password' }), from('10.1.1.1'));
  assert.is(limited.status, 429);
  assert.is((await limited.json()).error.code, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  // Another client can still log in: the attacker cannot lock the account out.
  assert.is((await app.request('/', post({ username: 'alice', password: 'alice password' }), from('10.2.2.2'))).status, 200);
});

test('should log in by the normalised username, whatever its case or width', async ({ deps }) => {
  for (const username of ['ALICE', 'Alice', '\uff41\uff4c\uff49\uff43\uff45']) {
    const res = await mountFunction(login, deps).request('/', post({ username, password: 'alice password' }));
    assert.is(res.status, 200, username);
    assert.is((await res.json()).user.username, 'alice');
  }
});

test('should let a parallel burst of 300 wrong passwords reach the password check no more often than the limits allow', async ({ deps }) => {
  const app = mountFunction(login, deps);
  let checks = 0;
  const verify = deps.passwords.verify;
  deps.passwords.verify = (...args) => (checks++, verify(...args));
  const from = { incoming: { socket: { remoteAddress: '10.3.3.3' } } };
  const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => (async () => (await app.request('/', post({ username: 'alice', password: `guess ${i}` }), from)).status)()));
  assert.ok(statuses.every((s) => s === 401 || s === 429), String(statuses.find((s) => s !== 401 && s !== 429)));
  assert.is(statuses.filter((s) => s === 401).length, checks);
  // This suite allows 3 free failures per account and client (DEFAULT 5), then a delay.
  assert.ok(checks >= 1 && checks <= 3, `${checks} password checks`);
  console.log(`    login: a parallel burst of 300 wrong passwords reached the password check ${checks} times (limit 3 here, 5 by default)`);
});

test('should not lock the administrator out: 100 failures from its own address leave a browser with its device cookie able to log in', async () => {
  let clock = Date.parse('2026-03-01T08:00:00Z');
  // 100 failures, 16 minutes apart (past every delay): the account's budget for unknown browsers, 20 a week
  // here, is what stops them.
  const deps = await createTestDeps({ now: () => clock, throttle: { accountFailures: 20, accountWindowMs: 7 * 86_400_000 } });
  try {
    await deps.addUser('admin', ['users.write'], 'admin password 1');
    const app = mountFunction(login, deps);
    const local = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
    const first = await app.request('/', post({ username: 'admin', password: 'admin password 1' }), local);
    const device = /^device=([^;]+)/.exec(first.headers.getSetCookie()[1] ?? '')![1]!;
    // The attacker shares the address (local mode) and spends every budget, waiting out each delay.
    let failures = 0;
    for (let i = 0; i < 100; i++) {
      clock += 16 * 60_000;
      const res = await app.request('/', post({ username: 'admin', password: `guess ${i}` }), local);
      if (res.status === 401) failures++;
    }
    assert.ok(failures <= 20, `${failures} password checks`);
    assert.is((await app.request('/', post({ username: 'admin', password: 'guess' }), local)).status, 429, 'the attacker is throttled');
    const withoutCookie = await app.request('/', post({ username: 'admin', password: 'admin password 1' }), local);
    assert.is(withoutCookie.status, 429, 'an unknown browser waits');
    const admin = await app.request('/', post({ username: 'admin', password: 'admin password 1' }, { cookie: `device=${device}` }), local);
    assert.is(admin.status, 200, 'the administrator\'s browser gets in');
    // A device cookie names one user: it does not lift the limits for another account.
    await deps.addUser('bob', [], 'bob password 1');
    for (let i = 0; i < 5; i++) await app.request('/', post({ username: 'bob', password: 'x' }, { cookie: `device=${device}` }), local);
    assert.is((await app.request('/', post({ username: 'bob', password: 'bob password 1' }, { cookie: `device=${device}` }), local)).status, 429);
  } finally {
    await deps.cleanup();
  }
});

test('should count the address the trusted proxy appended, not the one the caller wrote', async ({ deps }) => {
  const app = mountFunction(login, deps);
  deps.http = { ...deps.http, trustProxy: true };
  const viaProxy = (forwarded: string) => ({ incoming: { socket: { remoteAddress: '10.0.0.2' } }, forwarded });
  const ask = (forwarded: string, password: string) =>
    app.request('/', post({ username: 'alice', password }, { 'x-forwarded-for': forwarded }), viaProxy(forwarded));
  // The attacker writes a new leftmost address each time; the proxy appends the real one.
  for (let i = 0; i < 3; i++) assert.is((await ask(`192.0.2.${i}, 203.0.113.9`, 'bad')).status, 401);
  assert.is((await ask('192.0.2.99, 203.0.113.9', 'alice password')).status, 429);
  assert.is((await ask('203.0.113.10', 'alice password')).status, 200, 'another client is not affected');
});

test('should believe X-Forwarded-For only from TRUSTED_PROXIES, skipping their own entries', async ({ deps }) => {
  const app = mountFunction(login, deps);
  deps.http = { ...deps.http, trustedProxies: ['10.0.0.0/8'] };
  const ask = (peer: string, forwarded: string, password = 'bad') =>
    app.request('/', post({ username: 'alice', password }, { 'x-forwarded-for': forwarded }), { incoming: { socket: { remoteAddress: peer } } });
  // Through two proxies of ours: the client is the rightmost entry that is not one of them.
  for (let i = 0; i < 3; i++) assert.is((await ask('10.0.0.2', `192.0.2.${i}, 203.0.113.9, 10.0.0.7`)).status, 401);
  assert.is((await ask('::ffff:10.0.0.2', '203.0.113.9, 10.0.0.8', 'alice password')).status, 429);
  // A peer that is not a trusted proxy is the client, whatever it writes.
  for (let i = 0; i < 3; i++) assert.is((await ask('198.51.100.7', `203.0.113.${i + 20}`)).status, 401);
  assert.is((await ask('198.51.100.7', '203.0.113.77', 'alice password')).status, 429);
});

test('should refuse bad input with validation_failed naming the fields', async ({ deps }) => {
  for (const body of ['{"username":', '[]', '"x"', JSON.stringify({ username: 'alice' }), JSON.stringify({ username: 'alice', password: 'x', extra: 1 }), JSON.stringify({ username: 7, password: 'x' })]) {
    const res = await mountFunction(login, deps).request('/', post(body));
    assert.is(res.status, 400, body);
    const { error } = await res.json();
    assert.is(error.code, 'validation_failed');
  }
  const res = await mountFunction(login, deps).request('/', post({ username: 'alice' }));
  assert.equal((await res.json()).error.details.map((d: { field: string }) => d.field), ['password']);
});

test('should accept the text/plain body that faas-cli invoke sends', async ({ deps }) => {
  const res = await mountFunction(login, deps).request('/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ username: 'alice', password: 'alice password' }) });
  assert.is(res.status, 200);
});

test('should refuse a login posted from a foreign origin', async ({ deps }) => {
  const res = await mountFunction(login, deps).request('http://127.0.0.1:8080/', post({ username: 'alice', password: 'alice password' }, { origin: 'https://evil.example', host: '127.0.0.1:8080' }));
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
});

test.run();
