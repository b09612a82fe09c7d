import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import type { ServiceSummary, Swarm } from '../../lib/swarm/swarm.ts';
import { listServices } from './function.ts';

type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
type Ctx = { deps: TestDeps; answers: Answers; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('list-services', {} as Ctx);

const services: ServiceSummary[] = [
  { id: 'svc1', name: 'web', image: 'local/busybox:1', mode: 'replicated', replicas: { desired: 2, running: 1 }, ports: [{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' }], labels: { tier: 'front' }, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-02T00:00:00.000Z', version: 7, updateStatus: { state: 'updating', message: 'update in progress' } },
  { id: 'svc2', name: 'agent', image: 'local/busybox:1', mode: 'global', replicas: { desired: 3, running: 3 }, ports: [], labels: {}, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', version: 3 },
];

test.before.each(async (ctx) => {
  // Tests may replace an answer: the recording swarm looks it up at each call.
  ctx.answers = { listServices: () => services };
  ctx.swarm = recordingSwarm(ctx.answers);
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

test('should answer {services} by POST, with one engine call', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(listServices, deps).request('/', post({}, { authorization }));
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { services });
  assert.equal(swarm.calls, [{ method: 'listServices', args: [] }]);
});

test('should answer GET, with or without query parameters, and an empty POST body', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  for (const [path, init] of [['/', { headers: { authorization } }], ['/?status=true', { headers: { authorization } }], ['/', { method: 'POST', headers: { authorization } }]] as const) {
    const res = await mountFunction(listServices, deps).request(path, init);
    assert.is(res.status, 200, path);
    assert.equal(await res.json(), { services });
  }
  assert.is(swarm.calls.length, 3);
});

test('should answer an empty list', async ({ deps, answers }) => {
  answers.listServices = () => [];
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(listServices, deps).request('/', { headers: { authorization } });
  assert.equal(await res.json(), { services: [] });
});

test('should answer swarm_unavailable when the engine does not answer', async ({ deps, answers }) => {
  answers.listServices = () => {
    throw new AppError('swarm_unavailable', 'engine down');
  };
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(listServices, deps).request('/', { headers: { authorization } });
  assert.is(res.status, 503);
  assert.is((await res.json()).error.code, 'swarm_unavailable');
});

test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
  for (const init of [post({}), { method: 'GET' }]) {
    const res = await mountFunction(listServices, deps).request('/', init);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
  assert.equal(swarm.calls, []);
});

test('should need services.read and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('nodes', ['nodes.read', 'services.write']);
  const res = await mountFunction(listServices, deps).request('/', { headers: { authorization } });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse a body that is not a JSON object with validation_failed, before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  for (const body of ['{"x":', '[]', '"all"', '7']) {
    const res = await mountFunction(listServices, deps).request('/', post(body, { authorization }));
    assert.is(res.status, 400, body);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test.run();
