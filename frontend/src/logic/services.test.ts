import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServiceSummary } from '../types.ts';
import { formatPorts, progressOf, queryServices, removeService, upsertService } from './services.ts';

const svc = (name: string, over: Partial<ServiceSummary> = {}): ServiceSummary => ({
  id: `id-${name}`,
  name,
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

const query = suite('queryServices');
const list = [
  svc('web', { image: 'nginx:1', labels: { team: 'front' }, updatedAt: '2026-01-03T00:00:00Z' }),
  svc('api', { replicas: { desired: 3, running: 1 }, updatedAt: '2026-01-02T00:00:00Z' }),
  svc('agent', { mode: 'global', replicas: { desired: 2, running: 2 } }),
  svc('batch', { replicas: { desired: 0, running: 0 } }),
];
query('should search name, image and labels case-insensitively', () => {
  assert.equal(queryServices(list, { search: 'NGINX' }).map((s) => s.name), ['web']);
  assert.equal(queryServices(list, { search: 'team=front' }).map((s) => s.name), ['web']);
  assert.equal(queryServices(list, { search: 'ag' }).map((s) => s.name), ['agent']);
  assert.equal(queryServices(list, { search: 'id-ap' }).map((s) => s.name), ['api']);
});
query('should filter by mode and state', () => {
  assert.equal(queryServices(list, { mode: 'global' }).map((s) => s.name), ['agent']);
  assert.equal(queryServices(list, { state: 'converging' }).map((s) => s.name), ['api']);
  assert.equal(queryServices(list, { state: 'stopped' }).map((s) => s.name), ['batch']);
  assert.equal(queryServices(list, { state: 'healthy' }).map((s) => s.name), ['agent', 'web']);
});
query('should sort by a column, either way, ties by name', () => {
  assert.equal(queryServices(list, { sort: 'updatedAt', descending: true }).map((s) => s.name), ['web', 'api', 'agent', 'batch']);
  assert.equal(queryServices(list, { sort: 'replicas' }).map((s) => s.name), ['batch', 'web', 'api', 'agent']);
});
query('should not mutate its input', () => {
  const copy = list.slice();
  queryServices(list, { sort: 'name', descending: true });
  assert.equal(list, copy);
});
query('should filter by stack, or by no stack, and group the services of a stack together', () => {
  const stacked = [
    svc('shop_web', { labels: { 'com.docker.stack.namespace': 'shop' } }),
    svc('alone'),
    svc('blog_db', { labels: { 'com.docker.stack.namespace': 'blog' } }),
    svc('shop_api', { labels: { 'com.docker.stack.namespace': 'shop' } }),
  ];
  assert.equal(queryServices(stacked, { stack: 'shop' }).map((s) => s.name), ['shop_api', 'shop_web']);
  assert.equal(queryServices(stacked, { stack: '-' }).map((s) => s.name), ['alone']);
  assert.equal(queryServices(stacked, { groupByStack: true, sort: 'name', descending: true }).map((s) => s.name), ['blog_db', 'shop_web', 'shop_api', 'alone']);
});
query.run();

const progress = suite('progressOf');
progress('should show converging while running differs from desired', () => {
  const p = progressOf(svc('a', { replicas: { desired: 4, running: 1 } }));
  assert.is(p.ratio, 0.25);
  assert.ok(p.converging);
  assert.is(p.label, '1/4');
});
progress('should show an update in progress and its state even at full count', () => {
  const p = progressOf(svc('a', { updateStatus: { state: 'updating', message: 'update in progress' } }));
  assert.ok(p.converging);
  assert.is(p.label, '1/1 · updating');
  assert.is(progressOf(svc('b', { updateStatus: { state: 'paused', message: 'update paused' } })).tone, 'paused');
  assert.not.ok(progressOf(svc('c', { updateStatus: { state: 'completed', message: '' } })).converging);
});
progress.run();

const edits = suite('upsertService and removeService');
edits('should replace by id, add when new, and remove by id or name', () => {
  const a = svc('a');
  const next = upsertService([a], { ...a, version: 2 });
  assert.is(next[0]!.version, 2);
  assert.is(upsertService([a], svc('b')).length, 2);
  assert.equal(removeService([a, svc('b')], 'b'), [a]);
  assert.equal(removeService([a], 'id-a'), []);
});
edits('should format ports compactly', () => {
  assert.is(
    formatPorts([{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' }, { published: null, target: 53, protocol: 'udp', mode: 'host' }]),
    '8080→80/tcp, *→53/udp (host)',
  );
});
edits.run();
