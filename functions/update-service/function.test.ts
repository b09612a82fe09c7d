import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { ALL_PERMISSIONS, serviceDetail } from '../../testing/deps.ts';
import { updateService } from './function.ts';
import { HOST_AND_NONE, serviceNotFoundTest, serviceFunctionSuite, serviceRefusalTests } from '../../testing/service-function.ts';

const cleanSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } };

const frame = serviceFunctionSuite(updateService, () => ({
  listNetworks: () => [HOST_AND_NONE[0]!],
  inspectService: () => serviceDetail(cleanSpec),
  updateService: (id: string, version: number) => ({ id, version: version + 1 }),
}));
const { test, ask, methods } = frame;

test('should update with the given version, keeping fields left out, and audit before and after', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', version: 7, image: 'local/busybox:2' }, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { id: 'svc1', version: 8 });
  assert.equal(swarm.calls.find((c) => c.method === 'inspectService')!.args, ['web']);
  const [id, version, spec] = swarm.calls.find((c) => c.method === 'updateService')!.args as [string, number, any];
  assert.is(id, 'svc1');
  assert.is(version, 7);
  assert.is(spec.TaskTemplate.ContainerSpec.Image, 'local/busybox:2');
  assert.equal(spec.Mode, cleanSpec.Mode);
  const audit = deps.published.find((e) => e.action === 'service.update')!;
  assert.is(audit.actor.id, 'dev');
  assert.is(audit.actor.attributes['target'], 'service:svc1');
  assert.is(audit.actor.attributes['result'], 'success');
  assert.match(audit.actor.attributes['before']!, /local\/busybox:1/);
  assert.match(audit.actor.attributes['after']!, /local\/busybox:2/);
  // The outcome tracker follows the rollout from the version the write produced.
  assert.equal(JSON.parse(audit.actor.attributes['rollouts']!), [{ service: 'svc1', name: 'web', version: 8 }]);
});

test('should deny an update that adds a mount, judging the whole resulting spec', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', version: 7, mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/s' }] }, { authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'policy_denied');
  assert.not.ok(methods(swarm).includes('updateService'));
  const audit = deps.published.find((e) => e.action === 'service.update')!;
  assert.is(audit.actor.attributes['result'], 'failure');
  assert.is(audit.actor.attributes['error'], 'policy_denied');
});

test('should let services.privileged add a bind mount', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('root', ALL_PERMISSIONS);
  const res = await ask(deps, { id: 'web', version: 7, mounts: [{ type: 'bind', source: '/', target: '/host' }] }, { authorization });
  assert.is(res.status, 200);
  const spec = swarm.calls.find((c) => c.method === 'updateService')!.args[2] as any;
  assert.equal(spec.TaskTemplate.ContainerSpec.Mounts, [{ Type: 'bind', Source: '/', Target: '/host' }]);
});

test('should answer version_conflict for a stale version, without retrying', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail(cleanSpec, { version: 9 });
  answers.updateService = () => {
    throw new AppError('version_conflict', 'stale');
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', version: 7, image: 'local/busybox:2' }, { authorization });
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'version_conflict');
  assert.equal(methods(swarm), ['inspectService', 'listNetworks', 'updateService']);
  assert.is(swarm.calls.find((c) => c.method === 'updateService')!.args[1], 7);
  const audit = deps.published.find((e) => e.action === 'service.update')!;
  assert.is(audit.actor.attributes['result'], 'failure');
  assert.is(audit.actor.attributes['error'], 'version_conflict');
  assert.is(audit.actor.attributes['rollouts'], undefined, 'a failed write started no rollout');
});

test('should replace the whole spec with a raw spec, judged by the policy', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const raw = { ...cleanSpec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:2', Args: ['sleep', '60'] } }, Labels: { team: 'a' } };
  const res = await ask(deps, { id: 'web', version: 7, spec: raw }, { authorization });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: 'svc1', version: 8 });
  const [id, version, spec] = swarm.calls.find((c) => c.method === 'updateService')!.args as [string, number, unknown];
  assert.is(id, 'svc1');
  assert.is(version, 7);
  assert.equal(spec, raw);
  const audit = deps.published.find((e) => e.action === 'service.update')!;
  assert.is(audit.actor.attributes['result'], 'success');
  assert.match(audit.actor.attributes['after']!, /busybox:2/);
});

test('should deny a raw spec with a bind mount for a non-privileged user', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const raw = { ...cleanSpec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/s' }] } } };
  const res = await ask(deps, { id: 'web', version: 7, spec: raw }, { authorization });
  assert.is(res.status, 403);
  const body = await res.json();
  assert.is(body.error.code, 'policy_denied');
  assert.ok(body.error.details.length > 0);
  assert.not.ok(methods(swarm).includes('updateService'));
  const audit = deps.published.find((e) => e.action === 'service.update')!;
  assert.is(audit.actor.attributes['error'], 'policy_denied');
});

test('should let services.privileged send a raw spec with a bind mount', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('root', ALL_PERMISSIONS);
  const raw = { ...cleanSpec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] } } };
  const res = await ask(deps, { id: 'web', version: 7, spec: raw }, { authorization });
  assert.is(res.status, 200);
  assert.equal(swarm.calls.find((c) => c.method === 'updateService')!.args[2], raw);
});

test('should refuse a raw spec together with fields, without a Name, too large, or renaming', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  for (const [body, field] of [
    [{ id: 'web', version: 7, spec: cleanSpec, image: 'local/busybox:2' }, 'image'],
    [{ id: 'web', version: 7, spec: cleanSpec, replicas: 2 }, 'replicas'],
    [{ id: 'web', version: 7, spec: { TaskTemplate: {} } }, 'spec.Name'],
    [{ id: 'web', version: 7, spec: [cleanSpec] }, 'spec'],
    [{ id: 'web', version: 7, spec: { ...cleanSpec, Labels: { big: 'x'.repeat(300 * 1024) } } }, 'spec'],
  ] as const) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, field);
    const { error } = await res.json();
    assert.is(error.code, 'validation_failed');
    assert.ok(error.details.some((d: { field: string }) => d.field === field), JSON.stringify(error.details));
  }
  assert.equal(swarm.calls, []);
  const res = await ask(deps, { id: 'web', version: 7, spec: { ...cleanSpec, Name: 'other' } }, { authorization });
  assert.is(res.status, 400);
  assert.equal((await res.json()).error.details[0].field, 'spec.Name');
  assert.equal(methods(swarm), ['inspectService']);
});

serviceNotFoundTest(frame, { id: 'ghost', version: 1, image: 'x' });
serviceRefusalTests(frame, updateService, {
  body: { id: 'web', version: 7, image: 'x' },
  badBodies: [
    { version: 7 },
    { id: 'web' },
    { id: 'bad id', version: 7 },
    { id: 'web', version: -1 },
    { id: 'web', version: 7, replicas: -1 },
    { id: 'web', version: 7, mode: 'global', replicas: 2 },
    { id: 'web', version: 7, privileged: true },
    { id: 'web', version: 7, mounts: [{ type: 'bind', target: '/x' }] },
  ],
  query: 'id=web&version=7',
});

test.run();
