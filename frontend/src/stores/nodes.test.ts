import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { EventListener } from '../live.ts';
import type { Event, NodeSummary, Task } from '../types.ts';
import { createNodesStore } from './nodes.ts';

const node = (id: string, hostname: string, over: Partial<NodeSummary> = {}): NodeSummary => ({
  id,
  hostname,
  role: 'worker',
  availability: 'active',
  state: 'ready',
  leader: false,
  addr: '10.0.0.1',
  engineVersion: '28.0.0',
  labels: {},
  version: 7,
  ...over,
});

const task = (id: string, serviceId: string, nodeId: string | null, slot: number | null, state = 'running'): Task => ({
  id,
  slot,
  nodeId,
  serviceId,
  state,
  desiredState: state === 'running' ? 'running' : 'shutdown',
  message: '',
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const event = (type: string): Event => ({
  id: Math.random().toString(36).slice(2),
  time: new Date().toISOString(),
  timeNano: `${Date.now()}000000`,
  type,
  action: 'update',
  actor: { id: 'n1', attributes: {} },
  scope: 'swarm',
});

/** A fake context recording the API calls and toasts; `emit` delivers a live event. */
const fakeContext = (nodes: NodeSummary[], options: { failUpdate?: boolean; tasks?: Record<string, Task[]> } = {}) => {
  const calls: string[] = [];
  const toasts: string[] = [];
  const listeners: EventListener[] = [];
  const ctx = {
    api: {
      listNodes: async () => (calls.push('listNodes'), { nodes: [...nodes] }),
      updateNode: async (id: string, version: number, change: object) => {
        calls.push(`updateNode ${id} v${version} ${JSON.stringify(change)}`);
        if (options.failUpdate) throw new ApiError(409, 'version_conflict', 'stale');
        return { id, version: version + 1 };
      },
      listTasks: async (query: { cursor?: string; since?: string; limit?: number }) => {
        calls.push(`listTasks ${query.cursor ?? 'first'} ${query.limit}`);
        // Two pages, to show every page is read; the first holds a task only the history knows.
        const all = Object.entries(options.tasks ?? {}).flatMap(([id, tasks]) =>
          tasks.map((t) => ({ ...t, serviceName: `name-${id}`, nodeHostname: null, current: t.id !== 'old', history: [] })));
        return query.cursor ? { tasks: all.slice(2) } : { tasks: all.slice(0, 2), next: 'page-2' };
      },
    },
    live: { subscribe: (l: EventListener) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)) },
    toasts: { success: (m: string) => toasts.push(m) },
  } as unknown as AppContext;
  const emit = (e: Event) => [...listeners].forEach((l) => l(e, { replay: false }));
  return { ctx, calls, toasts, emit, listeners };
};

const tick = () => new Promise((r) => setTimeout(r, 0));

const store = suite('nodes store');

store('should load the nodes by hostname, and reload on node events only', async () => {
  const f = fakeContext([node('n2', 'zeta'), node('n1', 'alpha')]);
  const s = createNodesStore(f.ctx);
  assert.is(s.loaded(), false);
  await s.load();
  assert.ok(s.loaded());
  assert.equal(s.nodes().map((n) => n.hostname), ['alpha', 'zeta']);
  f.emit(event('container'));
  f.emit(event('node'));
  await tick();
  assert.equal(f.calls, ['listNodes', 'listNodes']);
  s.dispose();
  f.emit(event('node'));
  assert.is(f.listeners.length, 0);
});

store('should update a node at its version, toast, and reload', async () => {
  const f = fakeContext([node('n1', 'alpha', { version: 12 })]);
  const s = createNodesStore(f.ctx);
  await s.load();
  const done = s.update(s.nodes()[0]!, { availability: 'drain' }, 'alpha is draining.');
  assert.is(s.busy(), 'n1');
  assert.ok(await done);
  assert.is(s.busy(), null);
  assert.equal(f.calls, ['listNodes', 'updateNode n1 v12 {"availability":"drain"}', 'listNodes']);
  assert.equal(f.toasts, ['alpha is draining.']);
  assert.is(s.error(), null);
  s.dispose();
});

store('should answer false on a failed update, without a toast, and reload', async () => {
  const f = fakeContext([node('n1', 'alpha')], { failUpdate: true });
  const s = createNodesStore(f.ctx);
  await s.load();
  assert.is(await s.update(s.nodes()[0]!, { role: 'manager' }, 'promoted'), false);
  assert.is(s.busy(), null);
  assert.equal(f.toasts, []);
  assert.is(f.calls.at(-1), 'listNodes');
  s.dispose();
});

store('should group the running current tasks of every list-tasks page by node, by service name and slot', async () => {
  const f = fakeContext([node('n1', 'alpha')], {
    tasks: {
      b: [task('old', 'b', 'n1', 2), task('t1', 'b', 'n1', 2), task('t2', 'b', 'n1', 1), task('t3', 'b', 'n1', 3, 'shutdown')],
      a: [task('t4', 'a', 'n2', 1), task('t5', 'a', null, 2)],
      gone: [],
    },
  });
  const s = createNodesStore(f.ctx);
  assert.is(s.tasksByNode(), null);
  const loading = s.loadTasks();
  assert.ok(s.loadingTasks());
  await loading;
  assert.is(s.loadingTasks(), false);
  const byNode = s.tasksByNode()!;
  assert.equal(byNode.get('n1')!.map((p) => p.task.id), ['t2', 't1']);
  assert.equal(byNode.get('n2')!.map((p) => `${p.service.name}/${p.task.id}`), ['name-a/t4']);
  assert.equal(byNode.get('unassigned')!.map((p) => p.task.id), ['t5']);
  assert.equal(f.calls, ['listTasks first 1000', 'listTasks page-2 1000']);
  s.dispose();
});
store.run();
