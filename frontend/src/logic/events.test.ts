import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../types.ts';
import { compareNano, createEventLog, describeAudit, eventNodeLabel, eventService, filterEvents, isServiceRemoval, perMinute } from './events.ts';

const ev = (id: string, ms: number, over: Partial<Event> = {}): Event => ({
  id,
  time: new Date(ms).toISOString(),
  timeNano: `${ms}000000`,
  type: 'service',
  action: 'update',
  actor: { id: `svc-${id}`, attributes: { name: `web-${id}` } },
  scope: 'swarm',
  ...over,
});

const order = suite('compareNano');
order('should order decimal strings by value, not by text', () => {
  assert.is(compareNano('999', '1000'), -1);
  assert.is(compareNano('1700000000000000001', '1700000000000000000'), 1);
  assert.is(compareNano('42', '42'), 0);
  assert.is(compareNano('0042', '42'), 0);
});
order.run();

const log = suite('createEventLog');
log('should drop duplicate ids, within and across batches', () => {
  const l = createEventLog();
  assert.is(l.add([ev('a', 1), ev('a', 1), ev('b', 2)]), 2);
  assert.is(l.add([ev('b', 2), ev('c', 3)]), 1);
  assert.equal(l.items.map((e) => e.id), ['a', 'b', 'c']);
});
log('should keep ascending order when an older event arrives late', () => {
  const l = createEventLog();
  l.add([ev('a', 10), ev('c', 30)]);
  l.add([ev('b', 20), ev('z', 5)]);
  assert.equal(l.items.map((e) => e.id), ['z', 'a', 'b', 'c']);
});
log('should return a new array after a change (for signals) and the same when nothing is new', () => {
  const l = createEventLog();
  l.add([ev('a', 1)]);
  const before = l.items;
  l.add([ev('a', 1)]);
  assert.ok(l.items === before);
  l.add([ev('b', 2)]);
  assert.ok(l.items !== before);
  assert.is(before.length, 1);
});
log('should evict the oldest past the limit and forget their ids', () => {
  const l = createEventLog(2);
  l.add([ev('a', 1), ev('b', 2), ev('c', 3)]);
  assert.equal(l.items.map((e) => e.id), ['b', 'c']);
  assert.not.ok(l.has('a'));
});
log.run();

const filters = suite('filterEvents');
const container = ev('k', 50, {
  type: 'container',
  action: 'start',
  actor: { id: 'c1', attributes: { 'com.docker.swarm.service.id': 'svc9', 'com.docker.swarm.service.name': 'api', 'com.docker.swarm.node.id': 'node7' } },
});
filters('should match service by id or name, including task containers', () => {
  const all = [ev('a', 1), container];
  assert.equal(filterEvents(all, { service: 'API' }).map((e) => e.id), ['k']);
  assert.equal(filterEvents(all, { service: 'svc9' }).map((e) => e.id), ['k']);
  assert.equal(eventService(container), { id: 'svc9', name: 'api' });
});
filters('should combine type, action prefix and node', () => {
  const all = [ev('a', 1), container, ev('n', 2, { type: 'node', action: 'update', actor: { id: 'node7', attributes: { name: 'host-1' } } })];
  assert.equal(filterEvents(all, { type: 'container', action: 'st' }).map((e) => e.id), ['k']);
  assert.equal(filterEvents(all, { node: 'node7' }).map((e) => e.id), ['k', 'n']);
  assert.equal(filterEvents(all, { node: 'host-1' }).map((e) => e.id), ['n']);
  assert.is(filterEvents(all, {}).length, 3);
});
filters('should tie audit events to the service or node they target', () => {
  const audit = ev('q', 60, {
    type: 'audit',
    scope: 'audit',
    action: 'service.delete',
    actor: { id: 'admin', attributes: { username: 'admin', target: 'service:web', 'target.type': 'service', 'target.id': 'web', result: 'success' } },
  });
  assert.equal(eventService(audit), { id: 'web', name: 'web' });
  assert.ok(isServiceRemoval(audit));
  assert.not.ok(isServiceRemoval({ ...audit, actor: { ...audit.actor, attributes: { ...audit.actor.attributes, result: 'failure' } } }));
  assert.equal(filterEvents([audit, ev('b', 1, { actor: { id: 'x', attributes: { name: 'api' } } })], { service: 'web' }).map((e) => e.id), ['q']);
});
filters('should resolve service ids to names when asked', () => {
  const byId = ev('r', 70, {
    type: 'audit',
    scope: 'audit',
    action: 'service.scale',
    actor: { id: 'admin', attributes: { 'target.type': 'service', 'target.id': 'abc123' } },
  });
  assert.equal(filterEvents([byId], { service: 'web' }), []);
  assert.equal(filterEvents([byId], { service: 'web' }, { service: (id) => (id === 'abc123' ? 'web' : undefined) }).map((e) => e.id), ['r']);
});
filters('should show and match a node by its hostname where the event carries only its id', () => {
  const hostname = (id: string) => (id === 'node7abcdefghijklmnop' ? 'worker-2' : undefined);
  const task = ev('t', 80, { type: 'container', action: 'die', actor: { id: 'c2', attributes: { 'com.docker.swarm.node.id': 'node7abcdefghijklmnop' } } });
  assert.is(eventNodeLabel(task, hostname), 'worker-2 (node7abcdefg)');
  assert.is(eventNodeLabel(task), 'node7abcdefghijklmnop');
  assert.equal(filterEvents([task, container], { node: 'WORKER-2' }, { node: hostname }).map((e) => e.id), ['t']);
  assert.equal(filterEvents([task], { node: 'worker-2' }), []);
});
filters.run();

const minutes = suite('perMinute');
minutes('should count events per minute ending now, oldest first', () => {
  const now = 10 * 60_000 + 30_000;
  const series = perMinute([ev('old', 60_000), ev('a', 8 * 60_000 + 1), ev('b', 10 * 60_000), ev('c', 10 * 60_000 + 5)], now, 3);
  assert.equal(series, [1, 0, 2]);
});
minutes.run();

const audit = suite('describeAudit');
audit('should say who did what to what, with the result', () => {
  const e = ev('x', 1, {
    type: 'audit',
    scope: 'audit',
    action: 'user.grant',
    actor: { id: 'admin', attributes: { username: 'admin', target: 'user:bob', result: 'success' } },
  });
  assert.is(describeAudit(e), 'admin user.grant user:bob (success)');
});
audit('should say how the rollout of an earlier write ended, for an outcome record', () => {
  const e = ev('o', 1, {
    type: 'audit',
    scope: 'audit',
    action: 'service.outcome',
    actor: { id: 'alice', attributes: { username: 'alice', target: 'service:s1', 'audit.action': 'service.update', outcome: 'rolled_back', service: 'web' } },
  });
  assert.is(describeAudit(e), 'alice service.outcome service:s1: service.update rolled back (web)');
});
audit.run();
