/**
 * The Swarm port's secret, config, network and service-spec methods against a real swarm manager. Objects are
 * named `it-obj-<random>-…` and removed at the end, even when a test fails.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { admitted, codeOf, connectTestSwarm, networksOnceAllocated, sweepTestServices, testServiceSpec, uniquePrefix } from '../../testing/swarm.ts';
import { createPolicyGate } from './policy-gate.ts';
import type { Swarm } from './swarm.ts';

const prefix = uniquePrefix('it-obj-');
const swarm: Swarm = await connectTestSwarm();
await sweepTestServices(swarm, 'it-obj');
const gate = createPolicyGate(swarm);
const b64 = (s: string) => Buffer.from(s).toString('base64');

const Objects = suite('DockerSwarm secrets, configs and networks (real engine)');

Objects.after(async () => {
  for (const s of (await swarm.listServiceSpecs()).filter((x) => x.name.startsWith(prefix))) {
    const detail = await swarm.inspectService(s.id);
    await swarm.removeService(await gate.admitService({ username: 'op', permissions: ['services.read', 'services.write', 'services.privileged'] }, detail)).catch(() => {});
  }
  for (const s of (await swarm.listSecrets()).filter((x) => x.name.startsWith(prefix))) await swarm.removeSecret(s.id).catch(() => {});
  for (const c of (await swarm.listConfigs()).filter((x) => x.name.startsWith(prefix))) await swarm.removeConfig(c.id).catch(() => {});
  for (const n of (await swarm.listNetworks()).filter((x) => x.name.startsWith(prefix))) await swarm.removeNetwork(n.id).catch(() => {});
});

Objects('should create, list and remove a secret without ever answering its data, and refuse a taken name', async () => {
  const created = await swarm.createSecret({ name: `${prefix}s.v1`, data: b64('hush'), labels: { team: 'a' } });
  const listed = (await swarm.listSecrets()).find((s) => s.id === created.id)!;
  assert.equal([listed.name, listed.labels], [`${prefix}s.v1`, { team: 'a' }]);
  assert.not.ok(JSON.stringify(await swarm.listSecrets()).includes(b64('hush')));
  assert.is(await codeOf(swarm.createSecret({ name: `${prefix}s.v1`, data: b64('x') })), 'service_exists');
  assert.is(await codeOf(swarm.createSecret({ name: `${prefix}bad`, data: 'not base64!' })), 'validation_failed');
  await swarm.removeSecret(created.id);
  assert.is(await codeOf(swarm.removeSecret(created.id)), 'not_found');
});

Objects('should answer a config with its data', async () => {
  const created = await swarm.createConfig({ name: `${prefix}c.v1`, data: b64('level=info') });
  const found = await swarm.inspectConfig(created.id);
  assert.is(Buffer.from(found.data, 'base64').toString(), 'level=info');
  assert.is(found.name, `${prefix}c.v1`);
  await swarm.removeConfig(created.id);
});

Objects('should map the engine\'s refusal to remove a secret a service uses to in_use, and list specs by label', async () => {
  const secret = await swarm.createSecret({ name: `${prefix}used.v1`, data: b64('x') });
  const spec = testServiceSpec({ name: `${prefix}svc`, labels: { 'it.obj': prefix } }) as any;
  spec.TaskTemplate.ContainerSpec.Secrets = [{ SecretID: secret.id, SecretName: secret.name, File: { Name: 'x', UID: '0', GID: '0', Mode: 292 } }];
  await swarm.createService(await admitted(spec));
  assert.is(await codeOf(swarm.removeSecret(secret.id)), 'in_use');
  const specs = await swarm.listServiceSpecs({ label: `it.obj=${prefix}` });
  assert.equal(specs.map((s) => s.name), [`${prefix}svc`]);
  assert.is((specs[0]!.spec as any).TaskTemplate.ContainerSpec.Secrets[0].SecretID, secret.id);
});

Objects('should create an admitted overlay network with its labels and remove it', async () => {
  const network = await gate.admitNetwork({ username: 'dev', permissions: ['services.write'] }, 'st', { name: `${prefix}net`, driver: 'overlay', labels: {} });
  const created = await swarm.createNetwork(network);
  const listed = (await networksOnceAllocated(swarm, created.id)).find((n) => n.id === created.id)!;
  assert.equal([listed.driver, listed.labels], ['overlay', { 'com.docker.stack.namespace': 'st', 'dashboard.workloads': 'true' }]);
  await swarm.removeNetwork(created.id);
});

Objects.run();
