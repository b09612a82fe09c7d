import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { serviceDetailSchema } from '../../lib/swarm/schemas.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import type { ServiceDetail, Swarm } from '../../lib/swarm/swarm.ts';
import { inspectService } from './function.ts';

type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
type Ctx = { deps: TestDeps; answers: Answers; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('inspect-service', {} as Ctx);

const spec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } };
const detail: ServiceDetail = {
  ...serviceDetail(spec, { ports: [{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' }], labels: { tier: 'front' } }),
  tasks: [
    { id: 't1', slot: 1, nodeId: 'n1', serviceId: 'svc1', state: 'running', desiredState: 'running', message: 'started', error: null, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:01.000Z' },
  ],
};

test.before.each(async (ctx) => {
  // Tests may replace an answer: the recording swarm looks it up at each call.
  ctx.answers = { inspectService: () => detail };
  ctx.swarm = recordingSwarm(ctx.answers);
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

test('should answer the service with its spec and tasks, by POST', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(inspectService, deps).request('/', post({ id: 'web' }, { authorization }));
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  const body = await res.json();
  assert.equal(body, detail);
  assert.ok(serviceDetailSchema.safeParse(body).success);
  assert.equal(swarm.calls, [{ method: 'inspectService', args: ['web'] }]);
});

test('should answer GET with the id as a query parameter', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(inspectService, deps).request('/?id=svc1', { headers: { authorization } });
  assert.is(res.status, 200);
  assert.equal(await res.json(), detail);
  assert.equal(swarm.calls, [{ method: 'inspectService', args: ['svc1'] }]);
});

test('should publish no audit event for a read', async ({ deps }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  assert.is((await mountFunction(inspectService, deps).request('/', post({ id: 'web' }, { authorization }))).status, 200);
  assert.equal(deps.published, []);
});

test('should show environment values only to users who hold services.write, names with "(hidden)" to others', async ({ deps, answers }) => {
  const withEnv = { ...spec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Env: ['DB_PASSWORD=s3cr3t', 'MODE=a=b', 'PASSTHROUGH'] } } };
  const previous = { ...spec, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Env: ['DB_PASSWORD=older-s3cr3t'] } } };
  answers.inspectService = () => serviceDetail(withEnv, { previousSpec: previous });
  const viewer = await deps.addUser('viewer', ['services.read']);
  const seen = await (await mountFunction(inspectService, deps).request('/', post({ id: 'web' }, viewer))).json();
  assert.equal(seen.service.spec.TaskTemplate.ContainerSpec.Env, ['DB_PASSWORD=(hidden)', 'MODE=(hidden)', 'PASSTHROUGH']);
  assert.equal(seen.service.previousSpec.TaskTemplate.ContainerSpec.Env, ['DB_PASSWORD=(hidden)']);
  assert.not.match(JSON.stringify(seen), /s3cr3t/);
  assert.ok(serviceDetailSchema.safeParse(seen).success);

  const writer = await deps.addUser('writer', ['services.read', 'services.write']);
  const full = await (await mountFunction(inspectService, deps).request('/', post({ id: 'web' }, writer))).json();
  assert.equal(full.service.spec.TaskTemplate.ContainerSpec.Env, ['DB_PASSWORD=s3cr3t', 'MODE=a=b', 'PASSTHROUGH']);
  assert.equal(full.service.previousSpec.TaskTemplate.ContainerSpec.Env, ['DB_PASSWORD=older-s3cr3t']);
});

test('should answer not_found for an unknown service', async ({ deps, answers }) => {
  answers.inspectService = () => {
    throw new AppError('not_found', 'no such service');
  };
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(inspectService, deps).request('/', post({ id: 'ghost' }, { authorization }));
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
});

test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
  for (const init of [post({ id: 'web' }), { method: 'GET' }]) {
    const res = await mountFunction(inspectService, deps).request('/?id=web', init);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
  assert.equal(swarm.calls, []);
});

test('should need services.read and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('nodes', ['nodes.read', 'services.write']);
  const res = await mountFunction(inspectService, deps).request('/', post({ id: 'web' }, { authorization }));
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse bad input with validation_failed before the engine, by POST and by GET', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  for (const body of [{}, { id: '' }, { id: 'bad id' }, { id: 'web', tasks: false }]) {
    const res = await mountFunction(inspectService, deps).request('/', post(body, { authorization }));
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  for (const query of ['', '?id=', '?id=bad%20id', '?id=web&extra=1']) {
    const res = await mountFunction(inspectService, deps).request(`/${query}`, { headers: { authorization } });
    assert.is(res.status, 400, query);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test.run();
