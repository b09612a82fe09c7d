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
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^session=[\w.-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=900$/);
  const claims = await deps.tokens.verify(body.token);
  assert.equal([claims.username, claims.tokenVersion], ['alice', 0]);
});

test('should set a __Host- Secure cookie over HTTPS', async ({ deps }) => {
  const res = await mountFunction(login, deps).request('https://dash.example/', post({ username: 'alice', password: 'alice password' }));
  assert.match(res.headers.get('set-cookie') ?? '', /^__Host-session=.*; Secure$/);
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
