import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import type { Swarm } from '../../lib/swarm/swarm.ts';
import { deleteService } from './function.ts';

type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
type Ctx = { deps: TestDeps; answers: Answers; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('delete-service', {} as Ctx);

const cleanSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } };

test.before.each(async (ctx) => {
  // Tests may replace an answer: the recording swarm looks it up at each call.
  ctx.answers = {
    listNetworks: () => [{ id: 'hostid123', name: 'host', driver: 'host', scope: 'local', labels: {} }, { id: 'noneid', name: 'none', driver: 'null', scope: 'local', labels: {} }],
    inspectService: () => serviceDetail(cleanSpec, { id: 'svc1', version: 12 }),
    removeService: () => undefined,
  };
  ctx.swarm = recordingSwarm(ctx.answers);
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const methods = (swarm: Ctx['swarm']) => swarm.calls.map((c) => c.method);
const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(deleteService, deps).request('/', post(body, headers));

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

test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
  const res = await ask(deps, { id: 'web' });
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.equal(swarm.calls, []);
  assert.equal(deps.published, []);
});

test('should need services.write and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse bad input with validation_failed before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  for (const body of [{}, { id: '' }, { id: '../web' }, { id: 'x'.repeat(129) }, { id: 'web', force: true }, '"web"']) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test('should answer only POST: GET is 404', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('dev', ['services.write']);
  const res = await mountFunction(deleteService, deps).request('/?id=web', { headers: { authorization } });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.equal(swarm.calls, []);
});

test.run();
