import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { serviceDetail } from '../../testing/deps.ts';
import { deleteService } from './function.ts';
import { HOST_AND_NONE, serviceFunctionSuite, serviceRefusalTests } from '../../testing/service-function.ts';

const cleanSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } };

const frame = serviceFunctionSuite(deleteService, () => ({
  listNetworks: () => HOST_AND_NONE,
  inspectService: () => serviceDetail(cleanSpec, { id: 'svc1', version: 12 }),
  removeService: () => undefined,
}));
const { test, ask, methods } = frame;

test('should remove the service it read, by id and version, answering 204', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 204);
  assert.is(await res.text(), '');
  assert.equal(swarm.calls.find((c) => c.method === 'inspectService')!.args, ['web']);
  const removes = swarm.calls.filter((c) => c.method === 'removeService');
  assert.is(removes.length, 1);
  assert.equal(removes[0]!.args, [{ id: 'svc1', version: 12 }]);
});

test('should audit the delete', async ({ deps }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  await ask(deps, { id: 'web' }, { authorization });
  const audit = deps.published.find((e) => e.action === 'service.delete')!;
  assert.is(audit.actor.id, 'dev');
  // The target is the id or name as the caller gave it (delete adds no targetId of its own).
  assert.is(audit.actor.attributes['target'], 'service:web');
  assert.is(audit.actor.attributes['result'], 'success');
});

test('should answer not_found for an unknown service, removing nothing', async ({ deps, answers, swarm }) => {
  answers.inspectService = () => {
    throw new AppError('not_found', 'no such service');
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'ghost' }, { authorization });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.equal(methods(swarm), ['inspectService']);
  const audit = deps.published.find((e) => e.action === 'service.delete')!;
  assert.is(audit.actor.attributes['result'], 'failure');
  assert.is(audit.actor.attributes['error'], 'not_found');
});

test('should answer swarm_unavailable when the engine fails the remove', async ({ deps, answers }) => {
  answers.removeService = () => {
    throw new AppError('swarm_unavailable', 'engine down');
  };
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 503);
  assert.is((await res.json()).error.code, 'swarm_unavailable');
});

serviceRefusalTests(frame, deleteService, {
  body: { id: 'web' },
  badBodies: [{}, { id: '' }, { id: '../web' }, { id: 'x'.repeat(129) }, { id: 'web', force: true }, '"web"'],
  query: 'id=web',
});

test.run();
