import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDeps, post, type TestDeps } from '../testing/deps.ts';
import { createLocalApp } from './app.ts';

const test = suite<{ deps: TestDeps }>('local mode host names (DNS rebinding)', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  await ctx.deps.addUser('alice', [], 'alice password');
});
test.after.each(({ deps }) => deps.cleanup());

const appFor = (deps: TestDeps) => createLocalApp(deps, { frontendDir: '/nonexistent', allowedHosts: ['127.0.0.1', 'localhost', '[::1]', 'dash.lan'] });

test('should answer 421 misdirected_request, in the error shape, for a Host it does not serve', async ({ deps }) => {
  const app = appFor(deps);
  let loginRan = false;
  const verify = deps.passwords.verify;
  deps.passwords.verify = async (...args) => ((loginRan = true), verify(...args));
  for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'x@127.0.0.1', '', '127.0.0.1/x']) {
    const res = await app.request('http://127.0.0.1:8080/function/login', post({ username: 'alice', password: 'alice password' }, { host }));
    assert.is(res.status, 421, host);
    assert.is((await res.json()).error.code, 'misdirected_request', host);
  }
  assert.is((await app.request('http://127.0.0.1:8080/healthz', { headers: { host: 'evil.example' } })).status, 421);
  assert.is(loginRan, false);
});

test('should answer the allowed host names, with any port and in any case', async ({ deps }) => {
  const app = appFor(deps);
  for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:8080', '[::1]:8080', 'dash.lan:443']) {
    assert.is((await app.request('http://127.0.0.1:8080/healthz', { headers: { host } })).status, 200, host);
  }
  const res = await app.request('http://127.0.0.1:8080/function/login', post({ username: 'alice', password: 'alice password' }, { host: 'localhost:8080' }));
  assert.is(res.status, 200);
});

test.run();
