/**
 * Secrets through the functions on the real swarm: a service attaches a secret with create-service, rotate-secret
 * moves it to the next version (the task really reads the new data at the same path) and removes the old one;
 * delete-secret answers 409 in_use while the service exists. Objects are named `itrot<random>…` and removed.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { connectTestSwarm, dockerTestOptions, waitFor } from '../../testing/swarm.ts';
import { createDockerClient } from '../../lib/swarm/docker.ts';
import { createService } from '../create-service/function.ts';
import { createSecret } from '../create-secret/function.ts';
import { rotateSecret } from './function.ts';
import { deleteSecret } from '../delete-secret/function.ts';
import { listSecrets } from '../list-secrets/function.ts';

const swarm = await connectTestSwarm();
const engine = createDockerClient(dockerTestOptions(), 10_000);
const prefix = `itrot${Math.random().toString(16).slice(2, 8)}`;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** What the service's running task reads at /run/secrets/token. */
async function readInTask(service: string): Promise<string | undefined> {
  const containers = await engine.listContainers({ filters: JSON.stringify({ label: [`com.docker.swarm.service.name=${service}`], status: ['running'] }) });
  const container = containers[0];
  if (!container) return undefined;
  const exec = await engine.getContainer(container.Id).exec({ Cmd: ['cat', '/run/secrets/token'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  // Multiplexed frames: an 8-byte header before each payload.
  const all = Buffer.concat(chunks);
  let out = '';
  for (let at = 0; at + 8 <= all.length; ) {
    const length = all.readUInt32BE(at + 4);
    out += all.toString('utf8', at + 8, at + 8 + length);
    at += 8 + length;
  }
  return out;
}

type Ctx = { deps: TestDeps; authorization: string };
const Rotation = suite<Ctx>('secret rotation on the real swarm', {} as Ctx);

Rotation.before(async (ctx) => {
  ctx.deps = await createTestDeps({ swarm });
  // Not privileged: the policy lets the service attach the secret because the user holds secrets.read.
  ctx.authorization = (await ctx.deps.addUser('ops', ['services.read', 'services.write', 'secrets.read', 'secrets.write'])).authorization;
});

Rotation.after(async ({ deps }) => {
  for (const s of (await swarm.listServiceSpecs()).filter((x) => x.name.startsWith(prefix))) await engine.getService(s.id).remove().catch(() => {});
  for (const s of (await swarm.listSecrets()).filter((x) => x.name.startsWith(prefix))) await swarm.removeSecret(s.id).catch(() => {});
  await deps.cleanup();
});

Rotation('should move the service to the new version at the same path, remove the old one, and refuse deleting it while used', async ({ deps, authorization }) => {
  const name = `${prefix}-token`;
  const service = `${prefix}-app`;
  const created = await mountFunction(createSecret, deps).request('/', post({ name, data: b64('first') }, { authorization }));
  assert.is(created.status, 201);
  assert.equal((await created.json()).version, 1);

  const res = await mountFunction(createService, deps).request(
    '/',
    post({ name: service, image: 'local/busybox:1', command: ['sleep', '3600'], secrets: [{ name, target: 'token' }] }, { authorization }),
  );
  assert.is(res.status, 201, await res.clone().text());
  assert.is(await waitFor('the task reading version 1', async () => (await readInTask(service)) === 'first' || undefined, { timeoutMs: 60_000, intervalMs: 500 }), true);

  const used = await mountFunction(deleteSecret, deps).request('/', post({ name }, { authorization }));
  assert.is(used.status, 409);
  assert.is((await used.json()).error.code, 'in_use');

  const rotated = await mountFunction(rotateSecret, deps).request('/', post({ name, data: b64('second') }, { authorization }));
  assert.is(rotated.status, 200);
  const body = await rotated.json();
  assert.is(body.version, 2);
  assert.is(body.services.length, 1);

  assert.is(await waitFor('the task reading version 2', async () => (await readInTask(service)) === 'second' || undefined, { timeoutMs: 60_000, intervalMs: 500 }), true);
  const engineNames = (await swarm.listSecrets()).filter((s) => s.name.startsWith(prefix)).map((s) => s.name);
  assert.equal(engineNames, [`${name}.v2`], 'the old version is gone');

  const listed = await mountFunction(listSecrets, deps).request('/', { headers: { authorization } });
  const entry = (await listed.json()).secrets.find((s: { name: string }) => s.name === name);
  assert.equal({ version: entry.version, services: entry.services }, { version: 2, services: [service] });
  assert.not.ok(JSON.stringify(deps.published).includes(b64('second')), 'the audit never holds the data');
  assert.ok(deps.published.some((e) => e.action === 'secret.rotate'));
});

Rotation.run();
