import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import type { NodeSummary, Swarm } from '../../lib/swarm/swarm.ts';
import { listNodes } from './function.ts';

type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
type Ctx = { deps: TestDeps; answers: Answers; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('list-nodes', {} as Ctx);

const nodes: NodeSummary[] = [
  { id: 'n1', hostname: 'manager-1', role: 'manager', availability: 'active', state: 'ready', leader: true, addr: '10.0.0.1', engineVersion: '27.0.3', labels: { zone: 'a' }, version: 12 },
  { id: 'n2', hostname: 'worker-1', role: 'worker', availability: 'drain', state: 'down', leader: false, addr: '10.0.0.2', engineVersion: '27.0.3', labels: {}, version: 4 },
];

test.before.each(async (ctx) => {
  // Tests may replace an answer: the recording swarm looks it up at each call.
  ctx.answers = { listNodes: () => nodes };
  ctx.swarm = recordingSwarm(ctx.answers);
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

test('should answer {nodes} by POST, with one engine call', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.read']);
  const res = await mountFunction(listNodes, deps).request('/', post({}, { authorization }));
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { nodes });
  assert.equal(swarm.calls, [{ method: 'listNodes', args: [] }]);
});

test('should answer GET, with or without query parameters', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.read']);
  for (const path of ['/', '/?role=manager']) {
    const res = await mountFunction(listNodes, deps).request(path, { headers: { authorization } });
    assert.is(res.status, 200, path);
    assert.equal(await res.json(), { nodes });
  }
  assert.is(swarm.calls.length, 2);
});

test('should answer swarm_unavailable when the engine does not answer', async ({ deps, answers }) => {
  answers.listNodes = () => {
    throw new AppError('swarm_unavailable', 'engine down');
  };
  const { authorization } = await deps.addUser('ops', ['nodes.read']);
  const res = await mountFunction(listNodes, deps).request('/', { headers: { authorization } });
  assert.is(res.status, 503);
  assert.is((await res.json()).error.code, 'swarm_unavailable');
});

test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
  for (const init of [post({}), { method: 'GET' }]) {
    const res = await mountFunction(listNodes, deps).request('/', init);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
  assert.equal(swarm.calls, []);
});

test('should need nodes.read and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read', 'nodes.write']);
  const res = await mountFunction(listNodes, deps).request('/', { headers: { authorization } });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse a body that is not a JSON object with validation_failed, before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.read']);
  for (const body of ['{"x":', '[]', 'null']) {
    const res = await mountFunction(listNodes, deps).request('/', post(body, { authorization }));
    assert.is(res.status, 400, body);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test.run();
