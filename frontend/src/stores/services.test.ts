import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { EventListener } from '../live.ts';
import type { Event, ServiceSummary } from '../types.ts';
import { createServicesStore } from './services.ts';

const svc = (id: string, over: Partial<ServiceSummary> = {}): ServiceSummary => ({
  id,
  name: `name-${id}`,
  image: 'local/busybox:1',
  mode: 'replicated',
  replicas: { desired: 1, running: 1 },
  ports: [],
  labels: {},
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  version: 1,
  ...over,
});

const event = (over: Partial<Event>, ms = Date.now()): Event => ({
  id: Math.random().toString(36).slice(2),
  time: new Date(ms).toISOString(),
  timeNano: `${ms}000000`,
  type: 'service',
  action: 'update',
  actor: { id: 'a', attributes: {} },
  scope: 'swarm',
  ...over,
});

/** A fake context: api answers from `services`, records inspect calls; live lets the test emit events. */
const fakeContext = (services: ServiceSummary[]) => {
  const inspected: string[] = [];
  const listeners: EventListener[] = [];
  const ctx = {
    api: {
      listServices: async () => ({ services }),
      inspectService: async (id: string) => {
        inspected.push(id);
        const found = services.find((s) => s.id === id || s.name === id);
        if (!found) throw new ApiError(404, 'not_found', 'gone');
        return { service: { ...found, spec: {} }, tasks: [] };
      },
    },
    live: { subscribe: (l: EventListener) => (listeners.push(l), () => {}) },
  } as unknown as AppContext;
  const emit = (e: Event) => listeners.forEach((l) => l(e, { replay: false }));
  return { ctx, inspected, emit };
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const store = suite('services store');

store('should refetch only the named service, once per burst of events', async () => {
  const list = [svc('a'), svc('b')];
  const f = fakeContext(list);
  const s = createServicesStore(f.ctx, { debounceMs: 20, convergePollMs: 60_000 });
  await s.load();
  list[0] = svc('a', { replicas: { desired: 3, running: 1 }, version: 2 });
  for (let i = 0; i < 5; i++) f.emit(event({ actor: { id: 'a', attributes: { name: 'name-a' } } }));
  f.emit(event({ type: 'container', action: 'start', actor: { id: 'c1', attributes: { 'com.docker.swarm.service.id': 'a' } } }));
  await wait(60);
  assert.equal(f.inspected, ['a']);
  assert.equal(s.services().find((x) => x.id === 'a')!.replicas, { desired: 3, running: 1 });
  assert.is(s.services().length, 2);
  s.dispose();
});

store('should drop a service on remove, and when inspect says it is gone', async () => {
  const list = [svc('a'), svc('b'), svc('c')];
  const f = fakeContext(list);
  const s = createServicesStore(f.ctx, { debounceMs: 10, convergePollMs: 60_000 });
  await s.load();
  f.emit(event({ action: 'remove', actor: { id: 'a', attributes: { name: 'name-a' } } }));
  f.emit(event({ type: 'audit', scope: 'audit', action: 'service.delete', actor: { id: 'admin', attributes: { 'target.type': 'service', 'target.id': 'name-b', result: 'success' } } }));
  list.splice(2, 1);
  f.emit(event({ actor: { id: 'c', attributes: {} } }));
  await wait(40);
  assert.equal(s.services().map((x) => x.id), []);
  assert.equal(f.inspected, ['c']);
  s.dispose();
});

store('should add a service created elsewhere, and ignore replayed history older than the list', async () => {
  const list = [svc('a')];
  const f = fakeContext(list);
  const s = createServicesStore(f.ctx, { debounceMs: 10, convergePollMs: 60_000 });
  await s.load();
  f.emit(event({ actor: { id: 'a', attributes: {} } }, Date.now() - 3_600_000));
  list.push(svc('n'));
  f.emit(event({ type: 'audit', scope: 'audit', action: 'service.create', actor: { id: 'bob', attributes: { 'target.type': 'service', 'target.id': 'name-n', result: 'success' } } }));
  await wait(40);
  assert.equal(f.inspected, ['name-n']);
  assert.equal(s.services().map((x) => x.id), ['a', 'n']);
  s.dispose();
});

store('should re-inspect converging services on its poll, and not healthy ones', async () => {
  const list = [svc('a', { replicas: { desired: 2, running: 0 } }), svc('b')];
  const f = fakeContext(list);
  const s = createServicesStore(f.ctx, { debounceMs: 5, convergePollMs: 20 });
  await s.load();
  await wait(70);
  s.dispose();
  assert.ok(f.inspected.length >= 1);
  assert.ok(f.inspected.every((id) => id === 'a'));
});
store.run();
