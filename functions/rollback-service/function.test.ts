import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { ALL_PERMISSIONS, serviceDetail } from '../../testing/deps.ts';
import { rollbackService } from './function.ts';
import { HOST_AND_NONE, giveUpAfterFiveTest, serviceFunctionSuite, serviceRefusalTests } from '../../testing/service-function.ts';

const cleanSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:2' } }, Mode: { Replicated: { Replicas: 1 } } };
const previousSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } };
const bindSpec = { ...previousSpec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] } } };

const frame = serviceFunctionSuite(rollbackService, () => ({
  listNetworks: () => HOST_AND_NONE,
  inspectService: () => serviceDetail(cleanSpec, { previousSpec }),
  rollbackService: (id: string, version: number) => ({ id, version: version + 1 }),
}));
const { test, ask, methods } = frame;

test('should roll back to the admitted previous spec at the version just read, and audit it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { id: 'svc1', version: 8 });
  assert.equal(methods(swarm), ['inspectService', 'listNetworks', 'rollbackService']);
  assert.equal(swarm.calls[0]!.args, ['web']);
  assert.equal(swarm.calls[2]!.args, ['svc1', 7, previousSpec]);
  const audit = deps.published.find((e) => e.action === 'service.rollback')!;
  assert.is(audit.actor.id, 'dev');
  assert.is(audit.actor.attributes['target'], 'service:svc1');
  assert.is(audit.actor.attributes['result'], 'success');
  assert.match(audit.actor.attributes['before']!, /local\/busybox:2/);
  assert.match(audit.actor.attributes['after']!, /local\/busybox:1/);
});

test('should deny a rollback to a previous spec that breaks the policy', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail(cleanSpec, { previousSpec: bindSpec });
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 403);
  const { error } = await res.json();
  assert.is(error.code, 'policy_denied');
  assert.ok(error.details.some((d: { rule: string }) => d.rule === 'bind_mount'), JSON.stringify(error.details));
  assert.not.ok(methods(swarm).includes('rollbackService'));
  const audit = deps.published.find((e) => e.action === 'service.rollback')!;
  assert.is(audit.actor.attributes['result'], 'failure');
  assert.is(audit.actor.attributes['error'], 'policy_denied');
});

test('should let services.privileged roll back to a spec beyond the policy', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail(cleanSpec, { previousSpec: bindSpec });
  const { authorization } = await deps.addUser('root', ALL_PERMISSIONS);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 200);
  assert.equal(swarm.calls.find((c) => c.method === 'rollbackService')!.args, ['svc1', 7, bindSpec]);
});

test('should answer no_previous_spec when there is nothing to roll back to', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => serviceDetail(cleanSpec);
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'no_previous_spec');
  assert.not.ok(methods(swarm).includes('rollbackService'));
});

test('should re-read the service and retry on version_conflict', async ({ deps, answers, swarm }) => {
  // The engine bumps the version by itself during a rollout: the first read is stale by the time it is used.
  let version = 7;
  answers.inspectService = () => serviceDetail(cleanSpec, { previousSpec, version: version++ });
  answers.rollbackService = (id: string, at: number) => {
    if (at < 9) throw new AppError('version_conflict', 'stale');
    return { id, version: at + 1 };
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: 'svc1', version: 10 });
  assert.equal(swarm.calls.filter((c) => c.method === 'rollbackService').map((c) => c.args[1]), [7, 8, 9]);
  assert.is(methods(swarm).filter((m) => m === 'inspectService').length, 3);
  const audits = deps.published.filter((e) => e.action === 'service.rollback');
  assert.is(audits.length, 1);
  assert.is(audits[0]!.actor.attributes['result'], 'success');
});

test('should not retry other errors', async ({ deps, answers, swarm }) => {
  answers.rollbackService = () => {
    throw new AppError('swarm_unavailable', 'engine down');
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 503);
  assert.is((await res.json()).error.code, 'swarm_unavailable');
  assert.is(methods(swarm).filter((m) => m === 'rollbackService').length, 1);
});

giveUpAfterFiveTest(frame, 'rollbackService', { id: 'web' });
serviceRefusalTests(frame, rollbackService, {
  body: { id: 'web' },
  badBodies: [{}, { id: '' }, { id: 'bad id' }, { id: 7 }, { id: 'web', version: 7 }, '{"id":'],
  query: 'id=web',
});

test.run();
