import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { taskEventOf } from '../../lib/events/task-event.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import type { NodeSummary, ServiceSummary, Task } from '../../lib/swarm/swarm.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import { listTasks } from './function.ts';

type Ctx = { deps: TestDeps; swarm: ReturnType<typeof recordingSwarm> };
const test = suite<Ctx>('list-tasks', {} as Ctx);

const NOW = new Date().toISOString().slice(0, 10);
const at = (seconds: number) => `${NOW}T00:00:${String(seconds).padStart(2, '0')}.000000000Z`;
const service = { id: 'svc1', name: 'web' } as ServiceSummary;
const node = { id: 'node1', hostname: 'alpha' } as NodeSummary;
const current: Task = {
  id: 'task-now', slot: 1, nodeId: 'node1', serviceId: 'svc1', state: 'running', desiredState: 'running',
  message: 'started', error: null, createdAt: at(50), updatedAt: at(51),
};
// Older tasks of slot 1 that Docker no longer lists: only the history knows them.
const pruned = (n: number, state: string, second: number) =>
  taskEventOf({
    ID: `task-${n}`, ServiceID: 'svc1', NodeID: 'node1', Slot: 1, DesiredState: 'shutdown',
    Status: { State: state, Timestamp: at(second), Message: state, Err: state === 'failed' ? 'task: non-zero exit (3)' : '', ContainerStatus: { ExitCode: 3 } },
  }, new Map([['svc1', 'web']]))!;
const stored = [
  ...[1, 2, 3, 4, 5, 6, 7].flatMap((n) => [pruned(n, 'running', n * 5), pruned(n, 'failed', n * 5 + 1)]),
  taskEventOf({ ID: 'task-now', ServiceID: 'svc1', NodeID: 'node1', Slot: 1, DesiredState: 'running', Status: { State: 'starting', Timestamp: at(50), Message: 'starting' } }, new Map())!,
  taskEventOf({ ID: 'other', ServiceID: 'svc2', NodeID: 'node1', Slot: 1, DesiredState: 'running', Status: { State: 'failed', Timestamp: at(45), Message: 'x' } }, new Map())!,
];

test.before.each(async (ctx) => {
  ctx.swarm = recordingSwarm({
    listServices: async () => [service],
    listNodes: async () => [node],
    listTasks: async (filter: { serviceId?: string }) => (filter.serviceId === undefined || filter.serviceId === 'svc1' ? [current] : []),
  });
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
  await ctx.deps.history.append(stored);
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(listTasks, deps).request('/', post(body, headers));

test('should merge current tasks with the stored history, beyond five tasks per slot, newest first', async ({ deps }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await ask(deps, { service: 'web' }, { authorization });
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(body.tasks.map((t: Task) => t.id), ['task-now', 'task-7', 'task-6', 'task-5', 'task-4', 'task-3', 'task-2', 'task-1']);
  const [now, seventh] = body.tasks;
  assert.equal(now.history.map((h: { state: string }) => h.state), ['starting', 'running']);
  assert.is(now.current, true);
  assert.is(now.nodeHostname, 'alpha');
  assert.is(now.serviceName, 'web');
  assert.is(seventh.current, false);
  assert.is(seventh.state, 'failed');
  assert.is(seventh.error, 'task: non-zero exit (3)');
  assert.equal(seventh.history.map((h: { state: string; exitCode?: number }) => [h.state, h.exitCode]), [['running', undefined], ['failed', 3]]);
  assert.is(body.tasks.filter((t: Task) => t.slot === 1 && t.state === 'failed').length, 7);
  assert.equal((deps.swarm as ReturnType<typeof recordingSwarm>).calls.find((c) => c.method === 'listTasks')?.args, [{ serviceId: 'svc1' }]);
});

test('should page with limit and cursor without repeating or skipping a task', async ({ deps }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await ask(deps, { service: 'svc1', limit: 3, ...(cursor ? { cursor } : {}) }, { authorization });
    assert.is(res.status, 200);
    const body = await res.json();
    assert.ok(body.tasks.length <= 3);
    seen.push(...body.tasks.map((t: Task) => t.id));
    cursor = body.next;
  } while (cursor);
  assert.equal(seen, ['task-now', 'task-7', 'task-6', 'task-5', 'task-4', 'task-3', 'task-2', 'task-1']);
});

test('should filter by state and by node hostname', async ({ deps }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const failed = await (await ask(deps, { state: 'failed' }, { authorization })).json();
  assert.equal(failed.tasks.map((t: Task) => t.id), ['other', 'task-7', 'task-6', 'task-5', 'task-4', 'task-3', 'task-2', 'task-1']);
  const onAlpha = await (await ask(deps, { node: 'alpha', state: 'running' }, { authorization })).json();
  assert.equal(onAlpha.tasks.map((t: Task) => t.id), ['task-now']);
});

test('should answer 400 for a bad cursor, state or limit, and 403 without services.read, before reaching the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  for (const body of [{ cursor: 'not-a-cursor' }, { state: 'exploded' }, { limit: 0 }, { since: 'yesterday' }, { extra: 1 }]) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  const before = swarm.calls.length;
  const other = await deps.addUser('nobody', ['events.read']);
  const res = await ask(deps, {}, { authorization: other.authorization });
  assert.is(res.status, 403);
  assert.is(swarm.calls.length, before);
});

test('should answer a scoped holder only the tasks, current or pruned, of the services its scope matches', async ({ deps }) => {
  const web = await deps.addUser('web', ['services.read:name=web']);
  const body = await (await ask(deps, {}, { authorization: web.authorization })).json();
  assert.ok(body.tasks.length === 8 && body.tasks.every((t: { serviceId: string }) => t.serviceId === 'svc1'), JSON.stringify(body.tasks.map((t: Task) => t.id)));
  const other = await deps.addUser('other', ['services.read:stack=shop']);
  assert.equal((await (await ask(deps, {}, { authorization: other.authorization })).json()).tasks, []);
});

test.run();
