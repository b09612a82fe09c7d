import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PERMISSIONS, createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import type { Swarm } from '../../lib/swarm/swarm.ts';
import { createService } from './function.ts';

type Ctx = { deps: TestDeps; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('create-service: permissions and the security policy', {} as Ctx);

test.before.each(async (ctx) => {
  ctx.swarm = recordingSwarm({
    listNetworks: () => [{ id: 'hostid123', name: 'host', driver: 'host', scope: 'local', labels: {} }],
    createService: (spec: { Name: string }) => ({ id: 'new1', name: spec.Name }),
  });
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const methods = (swarm: Ctx['swarm']) => swarm.calls.map((c) => c.method);

test('should create a clean service and pass the engine spec on', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await mountFunction(createService, deps).request('/', post({ name: 'web', image: 'local/busybox:1', replicas: 2, command: ['sleep', '60'] }, { authorization }));
  assert.is(res.status, 201);
  assert.equal(await res.json(), { id: 'new1', name: 'web' });
  const spec = swarm.calls.find((c) => c.method === 'createService')!.args[0] as any;
  assert.equal(spec.Mode, { Replicated: { Replicas: 2 } });
  assert.equal(spec.TaskTemplate.ContainerSpec.Command, ['sleep', '60']);
});

test('should deny a bind of / with policy_denied listing each rule, without reaching the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await mountFunction(createService, deps).request('/', post({ name: 'web', image: 'x', mounts: [{ type: 'bind', source: '/', target: '/host' }], networks: ['host'] }, { authorization }));
  assert.is(res.status, 403);
  const { error } = await res.json();
  assert.is(error.code, 'policy_denied');
  const rules = error.details.map((d: { rule: string }) => d.rule);
  assert.ok(rules.includes('bind_mount'), rules.join());
  assert.ok(rules.includes('host_network'), rules.join());
  assert.not.ok(methods(swarm).includes('createService'));
  const audit = deps.published.find((e) => e.action === 'service.create')!;
  assert.is(audit.actor.attributes['result'], 'failure');
  assert.is(audit.actor.attributes['error'], 'policy_denied');
});

test('should let services.privileged go beyond the policy', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('root', ALL_PERMISSIONS);
  const res = await mountFunction(createService, deps).request('/', post({ name: 'web', image: 'x', mounts: [{ type: 'bind', source: '/', target: '/host' }] }, { authorization }));
  assert.is(res.status, 201);
  assert.ok(methods(swarm).includes('createService'));
});

test('should need services.write and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(createService, deps).request('/', post({ name: 'web', image: 'x' }, { authorization }));
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse bad service input before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  for (const body of [{ name: 'web' }, { name: 'bad name', image: 'x' }, { name: 'web', image: 'x', replicas: -1 }, { name: 'web', image: 'x', mode: 'global', replicas: 2 }, { name: 'web', image: 'x', privileged: true }]) {
    const res = await mountFunction(createService, deps).request('/', post(body, { authorization }));
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test.run();
