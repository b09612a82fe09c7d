import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import type { Swarm } from '../../lib/swarm/swarm.ts';
import { updateNode } from './function.ts';

type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
type Ctx = { deps: TestDeps; answers: Answers; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('update-node', {} as Ctx);

test.before.each(async (ctx) => {
  // Tests may replace an answer: the recording swarm looks it up at each call.
  ctx.answers = { updateNode: (id: string, version: number) => ({ id, version: version + 1 }) };
  ctx.swarm = recordingSwarm(ctx.answers);
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(updateNode, deps).request('/', post(body, headers));

test('should pass only the given fields on, at the given version, and answer {id, version}', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.write']);
  const res = await ask(deps, { id: 'n1', version: 12, availability: 'drain' }, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { id: 'n1', version: 13 });
  assert.equal(swarm.calls, [{ method: 'updateNode', args: ['n1', 12, { availability: 'drain' }] }]);
});

test('should pass role and labels alone, or all three together', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.write']);
  await ask(deps, { id: 'n1', version: 1, role: 'manager' }, { authorization });
  await ask(deps, { id: 'n1', version: 2, labels: { zone: 'b', 'com.example/ssd': '' } }, { authorization });
  await ask(deps, { id: 'n1', version: 3, labels: {} }, { authorization });
  await ask(deps, { id: 'n2', version: 4, availability: 'active', role: 'worker', labels: { zone: 'a' } }, { authorization });
  assert.equal(swarm.calls.map((c) => c.args), [
    ['n1', 1, { role: 'manager' }],
    ['n1', 2, { labels: { zone: 'b', 'com.example/ssd': '' } }],
    ['n1', 3, { labels: {} }],
    ['n2', 4, { availability: 'active', role: 'worker', labels: { zone: 'a' } }],
  ]);
});

test('should audit the update with the node as target and the change as after', async ({ deps }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.write']);
  await ask(deps, { id: 'n1', version: 12, availability: 'pause', labels: { zone: 'a' } }, { authorization });
  const audit = deps.published.find((e) => e.action === 'node.update')!;
  assert.is(audit.actor.id, 'ops');
  assert.is(audit.actor.attributes['target'], 'node:n1');
  assert.is(audit.actor.attributes['result'], 'success');
  assert.equal(JSON.parse(audit.actor.attributes['after']!), { availability: 'pause', labels: { zone: 'a' } });
});

test('should answer version_conflict for a stale version, without retrying', async ({ deps, answers, swarm }) => {
  answers.updateNode = () => {
    throw new AppError('version_conflict', 'stale');
  };
  const { authorization } = await deps.addUser('ops', ['nodes.write']);
  const res = await ask(deps, { id: 'n1', version: 3, availability: 'drain' }, { authorization });
  assert.is(res.status, 409);
  assert.is((await res.json()).error.code, 'version_conflict');
  assert.is(swarm.calls.length, 1);
  const audit = deps.published.find((e) => e.action === 'node.update')!;
  assert.is(audit.actor.attributes['result'], 'failure');
  assert.is(audit.actor.attributes['error'], 'version_conflict');
});

test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
  const res = await ask(deps, { id: 'n1', version: 12, availability: 'drain' });
  assert.is(res.status, 401);
  assert.is((await res.json()).error.code, 'unauthenticated');
  assert.equal(swarm.calls, []);
  assert.equal(deps.published, []);
});

test('should need nodes.write and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['nodes.read', 'services.write']);
  const res = await ask(deps, { id: 'n1', version: 12, availability: 'drain' }, { authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse bad input with validation_failed before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.write']);
  for (const body of [
    { version: 1, availability: 'drain' },
    { id: 'n1', availability: 'drain' },
    { id: 'n1', version: -1 },
    { id: 'n1', version: 1, availability: 'off' },
    { id: 'n1', version: 1, role: 'boss' },
    { id: 'n1', version: 1, labels: { '-bad': 'x' } },
    { id: 'n1', version: 1, labels: { zone: 7 } },
    { id: 'n1', version: 1, hostname: 'renamed' },
  ]) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test('should answer only POST: GET is 404', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.write']);
  const res = await mountFunction(updateNode, deps).request('/?id=n1&version=12&availability=drain', { headers: { authorization } });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.equal(swarm.calls, []);
});

test.run();
