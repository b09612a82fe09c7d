import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { ALL_PERMISSIONS, serviceDetail } from '../../testing/deps.ts';
import { scaleService } from './function.ts';
import { HOST_AND_NONE, serviceNotFoundTest, serviceFunctionSuite, serviceRefusalTests } from '../../testing/service-function.ts';

const cleanSpec = { Name: 'web', Labels: { tier: 'front' }, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } };
const bindSpec = { ...cleanSpec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] } } };

const frame = serviceFunctionSuite(scaleService, () => ({
  listNetworks: () => HOST_AND_NONE,
  inspectService: () => serviceDetail(cleanSpec),
  updateService: (id: string, version: number) => ({ id, version: version + 1 }),
}));
const { test, ask, methods } = frame;

test('should set the replicas at the version just read, keeping the rest of the spec', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', replicas: 3 }, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { id: 'svc1', version: 8 });
  assert.equal(methods(swarm), ['inspectService', 'listNetworks', 'updateService']);
  assert.equal(swarm.calls[0]!.args, ['web']);
  assert.equal(swarm.calls[2]!.args, ['svc1', 7, { ...cleanSpec, Mode: { Replicated: { Replicas: 3 } } }]);
});

test('should scale to zero', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', replicas: 0 }, { authorization });
  assert.is(res.status, 200);
  assert.equal((swarm.calls.find((c) => c.method === 'updateService')!.args[2] as any).Mode, { Replicated: { Replicas: 0 } });
});

test('should audit the scale with the replicas before and after', async ({ deps }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  await ask(deps, { id: 'web', replicas: 3 }, { authorization });
  const audit = deps.published.find((e) => e.action === 'service.scale')!;
  assert.is(audit.actor.id, 'dev');
  assert.is(audit.actor.attributes['target'], 'service:svc1');
  assert.is(audit.actor.attributes['result'], 'success');
  assert.equal(JSON.parse(audit.actor.attributes['before']!), { replicas: 1 });
  assert.equal(JSON.parse(audit.actor.attributes['after']!), { replicas: 3 });
  assert.equal(JSON.parse(audit.actor.attributes['rollouts']!), [{ service: 'svc1', name: 'web', version: 8 }]);
});

test('should go through the policy gate: a service beyond the policy needs services.privileged to scale', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail(bindSpec);
  const dev = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', replicas: 2 }, { authorization: dev.authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'policy_denied');
  assert.not.ok(methods(swarm).includes('updateService'));
  assert.is(deps.published.find((e) => e.action === 'service.scale')!.actor.attributes['error'], 'policy_denied');
  const root = await deps.addUser('root', ALL_PERMISSIONS);
  assert.is((await ask(deps, { id: 'web', replicas: 2 }, { authorization: root.authorization })).status, 200);
  assert.ok(methods(swarm).includes('updateService'));
});

test('should re-read the service and retry on version_conflict', async ({ deps, answers, swarm }) => {
  // The engine bumps the version by itself during a rollout: the first read is stale by the time it is used.
  let version = 7;
  answers.inspectService = () => serviceDetail(cleanSpec, { version: version++ });
  answers.updateService = (id: string, at: number) => {
    if (at < 9) throw new AppError('version_conflict', 'stale');
    return { id, version: at + 1 };
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', replicas: 4 }, { authorization });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: 'svc1', version: 10 });
  assert.equal(swarm.calls.filter((c) => c.method === 'updateService').map((c) => c.args[1]), [7, 8, 9]);
  assert.is(methods(swarm).filter((m) => m === 'inspectService').length, 3);
});

test('should give up with version_conflict after five attempts', async ({ deps, answers, swarm }) => {
  answers.updateService = () => {
    throw new AppError('version_conflict', 'stale');
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', replicas: 4 }, { authorization });
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'version_conflict');
  assert.is(methods(swarm).filter((m) => m === 'updateService').length, 5);
});

test('should refuse replicas on a global service with validation_failed', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail({ ...cleanSpec, Mode: { Global: {} } }, { mode: 'global' });
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web', replicas: 2 }, { authorization });
  assert.is(res.status, 400);
  assert.is((await res.json()).error.code, 'validation_failed');
  assert.not.ok(methods(swarm).includes('updateService'));
});

test('should refuse replicas that are not a number instead of coercing them to 0', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  for (const replicas of [null, '', false, [], true]) {
    const res = await ask(deps, { id: 'web', replicas }, { authorization });
    assert.is(res.status, 400, JSON.stringify(replicas));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

serviceNotFoundTest(frame, { id: 'ghost', replicas: 2 });
serviceRefusalTests(frame, scaleService, {
  body: { id: 'web', replicas: 2 },
  badBodies: [{ id: 'web' }, { replicas: 2 }, { id: 'bad id', replicas: 2 }, { id: 'web', replicas: -1 }, { id: 'web', replicas: 1001 }, { id: 'web', replicas: 1.5 }, { id: 'web', replicas: 'many' }, { id: 'web', replicas: 2, force: true }],
  query: 'id=web&replicas=2',
});

test.run();
