/**
 * The restricted Docker API proxy as the stack runs it (TCP, PROFILE=functions, TOKEN_FILE), in front of the real
 * engine: a caller without the token gets 401 whatever it asks; the dashboard's adapter, with the token, works;
 * and even with the token, a service that would pass for an OpenFaaS function or a container API call is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDockerSwarm } from '../../lib/swarm/docker.ts';
import { credentialsOf, NOBODY } from '../../testing/credentials.ts';
import { freePort } from '../../testing/local-server.ts';
import { admitted, admittedService, testServiceSpec, uniquePrefix, waitFor } from '../../testing/swarm.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'socket-proxy-'));
const token = randomBytes(32).toString('base64url');
// Readable by the proxy's user, as a swarm secret is (0444).
chmodSync(dir, 0o755);
writeFileSync(join(dir, 'token'), token, { mode: 0o444 });
const prefix = uniquePrefix('it-proxy-');

const test = suite<{ proxy: ChildProcess; url: string }>('docker-socket-proxy on the real engine', {} as never);
test.before(async (ctx) => {
  const port = await freePort();
  ctx.url = `http://127.0.0.1:${port}`;
  // As its image starts it: as root, through the entrypoint that drops root.
  ctx.proxy = spawn(join(here, 'drop-root.sh'), [process.execPath, '--import', 'tsx', join(here, 'main.ts')], {
    env: { ...process.env, PROFILE: 'functions', LISTEN: `127.0.0.1:${port}`, TOKEN_FILE: join(dir, 'token') },
    stdio: 'ignore',
  });
  await waitFor('the proxy', async () => (await fetch(`${ctx.url}/_ping`).catch(() => undefined))?.status === 401, { timeoutMs: 15_000 });
});
test.after(async ({ proxy }) => {
  proxy.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('should answer 401 to a caller without the token, for reads and writes alike', async ({ url }) => {
  const attack = { Name: `${prefix}root`, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] } }, Mode: { Global: {} } };
  for (const [method, path, body] of [['GET', '/services', undefined], ['POST', '/services/create', attack], ['GET', '/containers/json', undefined]] as const) {
    const res = await fetch(`${url}${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    assert.is(res.status, 401, `${method} ${path}`);
  }
  const wrong = await fetch(`${url}/services`, { headers: { authorization: `Bearer ${'x'.repeat(token.length)}` } });
  assert.is(wrong.status, 401);
});

test('should let the dashboard adapter work with the token, and refuse what its caller never sends', async ({ url }) => {
  const swarm = createDockerSwarm({ host: url.replace('http:', 'tcp:'), apiToken: token });
  const name = `${prefix}web`;
  const { id } = await swarm.createService(await admitted(testServiceSpec({ name, replicas: 0 })));
  try {
    assert.ok((await swarm.listServices()).some((s) => s.id === id));
    const disguised = testServiceSpec({ name: `${prefix}fn`, replicas: 0, labels: { 'com.openfaas.function': 'login', function: 'true' } });
    const refused = await swarm.createService(await admitted(disguised)).catch((e: { code?: string; message?: string }) => e);
    assert.ok(refused && typeof refused === 'object' && 'code' in refused, 'refused');
    assert.not.ok((await swarm.listServices()).some((s) => s.name === `${prefix}fn`), 'nothing created');
    const containers = await fetch(`${url}/containers/json`, { headers: { authorization: `Bearer ${token}` } });
    assert.is(containers.status, 403);
  } finally {
    await swarm.removeService(await admittedService(id));
  }
});

test('should serve as nobody, keeping only the engine socket\'s group and no capability', async ({ proxy }) => {
  // Started as root (as in its container): drop-root.sh must have left root before the proxy runs.
  const engineGroup = statSync('/var/run/docker.sock').gid;
  const who = credentialsOf(proxy.pid!);
  assert.equal(who.uid, [NOBODY, NOBODY, NOBODY, NOBODY]);
  assert.equal(who.gid, [NOBODY, NOBODY, NOBODY, NOBODY]);
  assert.equal(who.groups, [engineGroup]);
  assert.is(who.capEff, '0000000000000000');
});

test('should refuse to start as root without its entrypoint', async () => {
  const direct = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
    env: { ...process.env, PROFILE: 'functions', LISTEN: '127.0.0.1:0', TOKEN_FILE: join(dir, 'token') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  direct.stderr!.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => direct.on('close', resolve));
  assert.is.not(code, 0);
  assert.match(stderr, /refusing to run as root/);
});

test.run();
