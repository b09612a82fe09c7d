import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDeps, post, type TestDeps } from '../testing/deps.ts';
import { createLocalApp } from './app.ts';

type Ctx = { deps: TestDeps; dir: string };
const statics = suite<Ctx>('local app: the SPA and its assets', {} as Ctx);

const INDEX = '<!doctype html><title>SPA</title>';

statics.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.dir = mkdtempSync(join(tmpdir(), 'spa-'));
  mkdirSync(join(ctx.dir, 'assets'));
  writeFileSync(join(ctx.dir, 'index.html'), INDEX);
  writeFileSync(join(ctx.dir, 'assets', 'index-3f9a1c.js'), 'console.log(1)');
});
statics.after.each(async ({ deps, dir }) => {
  await deps.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

statics('should answer 404 for a missing asset or file, not the SPA page', async ({ deps, dir }) => {
  const app = createLocalApp(deps, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] });
  for (const path of ['/assets/missing.js', '/assets/index-3f9a1c.js.map', '/favicon.ico', '/robots.txt', '/assets/deep/nope']) {
    const res = await app.request(path, { headers: { host: 'localhost' } });
    assert.is(res.status, 404, path);
    assert.not.ok((await res.text()).includes('<title>SPA'), path);
  }
});

statics('should give client routes index.html with no-cache', async ({ deps, dir }) => {
  const app = createLocalApp(deps, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] });
  for (const path of ['/', '/services', '/services/web-1', '/users/alice']) {
    const res = await app.request(path, { headers: { host: 'localhost' } });
    assert.is(res.status, 200, path);
    assert.is(await res.text(), INDEX, path);
    assert.is(res.headers.get('cache-control'), 'no-cache', path);
  }
});

statics('should cache hashed assets for a year, immutable', async ({ deps, dir }) => {
  const res = await createLocalApp(deps, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] }).request('/assets/index-3f9a1c.js', { headers: { host: 'localhost' } });
  assert.is(res.status, 200);
  assert.is(await res.text(), 'console.log(1)');
  assert.is(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
});

statics('should keep no-store on API answers, also on their errors', async ({ deps, dir }) => {
  const app = createLocalApp(deps, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] });
  for (const path of ['/function/whoami', '/function/nope']) {
    const res = await app.request(path, { headers: { host: 'localhost' } });
    assert.is(res.headers.get('cache-control'), 'no-store', path);
  }
});
statics.run();

const hsts = suite<Ctx>('local app: Strict-Transport-Security', {} as Ctx);
hsts.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.dir = mkdtempSync(join(tmpdir(), 'spa-'));
  writeFileSync(join(ctx.dir, 'index.html'), INDEX);
});
hsts.after.each(async ({ deps, dir }) => {
  await deps.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

hsts('should not send HSTS over plain HTTP, nor for a forwarded https from an untrusted proxy', async ({ deps, dir }) => {
  const app = createLocalApp(deps, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] });
  for (const path of ['/', '/function/whoami', '/healthz']) {
    assert.is((await app.request(`http://dash.local${path}`, { headers: { host: 'dash.local' } })).headers.get('strict-transport-security'), null, path);
    const forwarded = await app.request(`http://dash.local${path}`, { headers: { host: 'dash.local', 'x-forwarded-proto': 'https' } });
    assert.is(forwarded.headers.get('strict-transport-security'), null, path);
  }
});

hsts('should send HSTS over HTTPS, and behind a trusted proxy that says https', async ({ deps, dir }) => {
  const direct = createLocalApp(deps, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] });
  for (const path of ['/', '/function/whoami']) {
    assert.match((await direct.request(`https://dash.local${path}`, { headers: { host: 'dash.local' } })).headers.get('strict-transport-security') ?? '', /max-age=\d+/, path);
  }
  const proxied = createLocalApp({ ...deps, http: { ...deps.http, trustProxy: true } }, { frontendDir: dir, allowedHosts: ['localhost', 'dash.local'] });
  const res = await proxied.request('http://dash.local/', { headers: { host: 'dash.local', 'x-forwarded-proto': 'https' } });
  assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
  assert.is((await proxied.request('http://dash.local/', { headers: { host: 'dash.local' } })).headers.get('strict-transport-security'), null);
});
hsts.run();


const hosts = suite<{ deps: TestDeps }>('local mode host names (DNS rebinding)', {} as { deps: TestDeps });
hosts.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  await ctx.deps.addUser('alice', [], 'alice password');
});
hosts.after.each(({ deps }) => deps.cleanup());

const appFor = (deps: TestDeps) => createLocalApp(deps, { frontendDir: '/nonexistent', allowedHosts: ['127.0.0.1', 'localhost', '[::1]', 'dash.lan'] });

hosts('should answer 421 misdirected_request, in the error shape, for a Host it does not serve', async ({ deps }) => {
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

hosts('should answer the allowed host names, with any port and in any case', async ({ deps }) => {
  const app = appFor(deps);
  for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:8080', '[::1]:8080', 'dash.lan:443']) {
    assert.is((await app.request('http://127.0.0.1:8080/healthz', { headers: { host } })).status, 200, host);
  }
  const res = await app.request('http://127.0.0.1:8080/function/login', post({ username: 'alice', password: 'alice password' }, { host: 'localhost:8080' }));
  assert.is(res.status, 200);
});

hosts.run();
