import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { ALL_PERMISSIONS, serviceDetail } from '../../testing/deps.ts';
import { restartService } from './function.ts';
import { HOST_AND_NONE, giveUpAfterFiveTest, serviceNotFoundTest, serviceFunctionSuite, serviceRefusalTests, type RecordingSwarm } from '../../testing/service-function.ts';

const cleanSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 2 } } };
const bindSpec = { ...cleanSpec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] } } };

const frame = serviceFunctionSuite(restartService, () => ({
  listNetworks: () => HOST_AND_NONE,
  inspectService: () => serviceDetail(cleanSpec),
  updateService: (id: string, version: number) => ({ id, version: version + 1 }),
}));
const { test, ask, methods } = frame;

const sentSpec = (swarm: RecordingSwarm) => swarm.calls.find((c) => c.method === 'updateService')!.args[2] as any;

test('should force an update of the unchanged spec at the version just read', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { id: 'svc1', version: 8 });
  assert.equal(methods(swarm), ['inspectService', 'listNetworks', 'updateService']);
  assert.equal(swarm.calls[0]!.args, ['web']);
  assert.equal(swarm.calls[2]!.args, ['svc1', 7, { ...cleanSpec, TaskTemplate: { ...cleanSpec.TaskTemplate, ForceUpdate: 1 } }]);
});

test('should count ForceUpdate up from its current value', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail({ ...cleanSpec, TaskTemplate: { ...cleanSpec.TaskTemplate, ForceUpdate: 4 } });
  const { authorization } = await deps.addUser('dev', ['services.write']);
  assert.is((await ask(deps, { id: 'web' }, { authorization })).status, 200);
  assert.is(sentSpec(swarm).TaskTemplate.ForceUpdate, 5);
});

test('should audit the restart', async ({ deps }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  await ask(deps, { id: 'web' }, { authorization });
  const audit = deps.published.find((e) => e.action === 'service.restart')!;
  assert.is(audit.actor.id, 'dev');
  // The target is the id or name as the caller gave it (restart adds no targetId of its own).
  assert.is(audit.actor.attributes['target'], 'service:web');
  assert.is(audit.actor.attributes['result'], 'success');
  assert.equal(JSON.parse(audit.actor.attributes['rollouts']!), [{ service: 'svc1', name: 'web', version: 8 }]);
});

test('should go through the policy gate: a service beyond the policy needs services.privileged to restart', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail(bindSpec);
  const dev = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization: dev.authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'policy_denied');
  assert.not.ok(methods(swarm).includes('updateService'));
  assert.is(deps.published.find((e) => e.action === 'service.restart')!.actor.attributes['error'], 'policy_denied');
  const root = await deps.addUser('root', ALL_PERMISSIONS);
  assert.is((await ask(deps, { id: 'web' }, { authorization: root.authorization })).status, 200);
  assert.is(sentSpec(swarm).TaskTemplate.ForceUpdate, 1);
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
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: 'svc1', version: 10 });
  assert.equal(swarm.calls.filter((c) => c.method === 'updateService').map((c) => c.args[1]), [7, 8, 9]);
  // Each attempt forces one update of the spec it read, not one more per retry.
  assert.equal(swarm.calls.filter((c) => c.method === 'updateService').map((c) => (c.args[2] as any).TaskTemplate.ForceUpdate), [1, 1, 1]);
});

giveUpAfterFiveTest(frame, 'updateService', { id: 'web' });
serviceNotFoundTest(frame, { id: 'ghost' });
serviceRefusalTests(frame, restartService, {
  body: { id: 'web' },
  badBodies: [{}, { id: '' }, { id: 'bad id' }, { id: ['web'] }, { id: 'web', force: true }, 'not json'],
  query: 'id=web',
});

test.run();
