import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import { deployStack } from './function.ts';

type Ctx = { deps: TestDeps; swarm: ReturnType<typeof recordingSwarm> };
const test = suite<Ctx>('deploy-stack', {} as Ctx);

const WRITES = ['createService', 'updateService', 'removeService', 'createNetwork', 'createSecret', 'createConfig'];

test.before.each(async (ctx) => {
  ctx.swarm = recordingSwarm({
    listServiceSpecs: () => [],
    listNetworks: () => [],
    listConfigs: () => [],
    createNetwork: (n: { name: string }) => ({ id: 'net1', name: n.name }),
    createService: (spec: { Name: string }) => ({ id: 'svc', name: spec.Name }),
    createConfig: (c: { name: string }) => ({ id: 'cfg', name: c.name }),
  });
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const writes = (swarm: Ctx['swarm']) => swarm.calls.filter((c) => WRITES.includes(c.method));

test('should create each service with the stack label the gate adds, on the stack network, and keep the file', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const compose = 'services:\n  web:\n    image: local/busybox:1\n    environment:\n      - TAG=${TAG}\n';
  const res = await mountFunction(deployStack, deps).request('/', post({ name: 'shop', compose, env: { TAG: 'v1' } }, { authorization }));
  assert.is(res.status, 200, await res.clone().text());
  assert.equal(await res.json(), { name: 'shop', services: [{ name: 'shop_web', action: 'created' }] });
  const network = swarm.calls.find((c) => c.method === 'createNetwork')!.args[0] as any;
  assert.equal(network.labels, { 'com.docker.stack.namespace': 'shop', 'dashboard.workloads': 'true' });
  const spec = swarm.calls.find((c) => c.method === 'createService')!.args[0] as any;
  assert.equal(spec.Labels, { 'com.docker.stack.namespace': 'shop' });
  assert.equal(spec.TaskTemplate.ContainerSpec.Env, ['TAG=v1']);
  assert.equal(spec.TaskTemplate.Networks, [{ Target: 'shop_default', Aliases: ['web'] }]);
  const record = swarm.calls.find((c) => c.method === 'createConfig')!.args[0] as any;
  assert.is(Buffer.from(record.data, 'base64').toString(), compose);
  const audit = deps.published.find((e) => e.action === 'stack.deploy')!;
  assert.ok(audit);
  // Each service the deploy wrote is followed to its outcome: a created one from its first version on.
  assert.equal(JSON.parse(audit.actor.attributes['rollouts']!), [{ service: 'svc', name: 'shop_web', version: 0 }]);
  assert.not.ok(JSON.stringify(deps.published).includes('TAG=v1'), 'env stays out of the audit');
});

test('should answer 400 with the path of each error for bad YAML and schema breaks, before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const app = mountFunction(deployStack, deps);
  const bad = await app.request('/', post({ name: 'shop', compose: 'services: [' }, { authorization }));
  assert.is(bad.status, 400);
  assert.match((await bad.json()).error.details[0].field, /^line \d+, column \d+$/);
  const schema = await app.request('/', post({ name: 'shop', compose: 'services:\n  web:\n    image: x\n    deploy: {replicas: two}\n' }, { authorization }));
  assert.is(schema.status, 400);
  assert.equal((await schema.json()).error.details, [{ field: 'services.web.deploy.replicas', message: 'must be integer' }]);
  const name = await app.request('/', post({ name: 'Bad Name', compose: 'services: {}' }, { authorization }));
  assert.is(name.status, 400);
  assert.equal(swarm.calls, []);
});

test('should answer 403 policy_denied naming the service and rule for a non-privileged user, creating nothing', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const compose = 'services:\n  ok: {image: x}\n  root:\n    image: x\n    volumes: ["/:/host"]\n';
  const res = await mountFunction(deployStack, deps).request('/', post({ name: 'shop', compose }, { authorization }));
  assert.is(res.status, 403);
  const { error } = await res.json();
  assert.is(error.code, 'policy_denied');
  assert.ok(error.details.every((d: { service: string }) => d.service === 'shop_root'));
  assert.ok(error.details.some((d: { rule: string }) => d.rule === 'bind_mount'));
  assert.equal(writes(swarm), []);
});

test('should refuse a user label in the reserved com.docker namespace (only the gate sets the stack label)', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const compose = 'services:\n  web:\n    image: x\n    deploy:\n      labels: {com.docker.stack.namespace: other}\n';
  const res = await mountFunction(deployStack, deps).request('/', post({ name: 'shop', compose }, { authorization }));
  assert.is(res.status, 403);
  assert.ok((await res.json()).error.details.some((d: { rule: string }) => d.rule === 'reserved_label'));
  assert.equal(writes(swarm), []);
});

test('should plan without changing anything on dryRun', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await mountFunction(deployStack, deps).request('/', post({ name: 'shop', compose: 'services:\n  web: {image: x}\n', dryRun: true }, { authorization }));
  assert.is(res.status, 200);
  assert.equal((await res.json()).services, [{ name: 'shop_web', action: 'created' }]);
  assert.equal(writes(swarm), []);
});

test('should need secrets.write to create the stack\'s own secrets', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const compose = 'services:\n  web: {image: x, secrets: [k]}\nsecrets:\n  k: {x-data: v}\n';
  const res = await mountFunction(deployStack, deps).request('/', post({ name: 'shop', compose }, { authorization }));
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(writes(swarm), []);
});

test.run();
