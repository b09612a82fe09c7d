import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../errors.ts';
import { createMemoryEventBus } from '../events/event-bus/memory.ts';
import type { EventBusClient } from '../events/event-bus.ts';
import type { Event } from '../events/event.ts';
import { createLiveServices, type LiveServices } from './live-services.ts';
import type { ServiceSummary } from './swarm.ts';

const summary = (id: string, name: string, running = 1): ServiceSummary => ({
  id, name, image: 'i', mode: 'replicated', replicas: { desired: 1, running }, ports: [], labels: {},
  createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', version: 1,
});

let n = 0;
const event = (type: string, action: string, id: string, attributes: Record<string, string> = {}): Event => ({
  id: `e${++n}`, time: '', timeNano: String(++n), type, action, actor: { id, attributes }, scope: 'swarm',
});

/** An engine whose list the test sets, recording each call's filter. */
function engine() {
  const calls: Array<string[] | 'all'> = [];
  const services = new Map<string, ServiceSummary>();
  let failing = false;
  let delayMs = 0;
  return {
    calls,
    services,
    fail: (on: boolean) => void (failing = on),
    slow: (ms: number) => void (delayMs = ms),
    async listServices(filter?: { ids?: string[] }) {
      calls.push(filter?.ids ?? 'all');
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (failing) throw new AppError('swarm_unavailable', 'engine down');
      const all = [...services.values()].sort((a, b) => a.name.localeCompare(b.name));
      return filter?.ids ? all.filter((s) => filter.ids!.includes(s.id)) : all;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 30));
/** Reads until `check` holds (the state follows events asynchronously; a loaded machine may take a while). */
const eventually = async (live: LiveServices, check: (names: string[]) => boolean) => {
  for (let deadline = Date.now() + 5_000; ; ) {
    const names = (await live.read()).services.map((s) => s.name);
    if (check(names) || Date.now() > deadline) return names;
    await new Promise((r) => setTimeout(r, 10));
  }
};

const test = suite<{ bus: EventBusClient; swarm: ReturnType<typeof engine>; live: LiveServices }>('live service list', {} as never);
test.before.each((ctx) => {
  ctx.bus = createMemoryEventBus();
  ctx.swarm = engine();
  ctx.swarm.services.set('a', summary('a', 'web'));
  ctx.live = createLiveServices({ swarm: ctx.swarm, events: ctx.bus, batchMs: 1 });
});
test.after.each(async ({ live, bus }) => {
  await live.close();
  await bus.close();
});

test('should answer from memory after the first list, without asking the engine again', async ({ swarm, live }) => {
  const first = await live.read();
  const second = await live.read();
  assert.equal(second.services.map((s) => s.name), ['web']);
  assert.is(second.etag, first.etag);
  assert.equal(swarm.calls, ['all']);
});

test('should read only the services an event names, and drop a removed one', async ({ swarm, live, bus }) => {
  await live.read();
  swarm.services.set('b', summary('b', 'api'));
  await bus.publish([event('service', 'create', 'b')]);
  assert.equal(await eventually(live, (n) => n.length === 2), ['api', 'web']);
  swarm.services.set('a', summary('a', 'web', 0));
  await bus.publish([event('container', 'die', 'c1', { 'com.docker.swarm.service.id': 'a' })]);
  await settle();
  assert.is((await live.read()).services.find((s) => s.id === 'a')!.replicas.running, 0);
  swarm.services.delete('b');
  await bus.publish([event('service', 'remove', 'b')]);
  assert.equal(await eventually(live, (n) => n.length === 1), ['web']);
  // Narrowed reads only (a service in flux may be read again, never the whole list).
  assert.is(swarm.calls[0], 'all');
  assert.ok(swarm.calls.slice(1).every((c) => c !== 'all'), JSON.stringify(swarm.calls));
  assert.ok(swarm.calls.slice(1).some((c) => Array.isArray(c) && c.includes('b')));
});

test('should change the ETag exactly when the list changes', async ({ swarm, live, bus }) => {
  const before = (await live.read()).etag;
  await bus.publish([event('service', 'update', 'a')]);
  await settle();
  assert.is((await live.read()).etag, before, 'same summary, same tag');
  swarm.services.set('a', { ...summary('a', 'web'), version: 2 });
  await bus.publish([event('service', 'update', 'a')]);
  await settle();
  assert.is.not((await live.read()).etag, before);
});

test('should resynchronise everything on a node event and on a service write not yet known by id', async ({ swarm, live, bus }) => {
  await live.read();
  await bus.publish([event('node', 'update', 'n1')]);
  await settle();
  swarm.services.set('c', summary('c', 'new-one'));
  await bus.publish([{ ...event('audit', 'service.create', 'alice'), scope: 'audit', actor: { id: 'alice', attributes: { 'target.type': 'service', 'target.id': 'new-one' } } }]);
  assert.equal(await eventually(live, (n) => n.length === 2), ['new-one', 'web']);
  assert.equal(swarm.calls, ['all', 'all', 'all']);
});

const audited = (target: string): Event => ({
  ...event('audit', 'service.create', 'alice'),
  scope: 'audit',
  actor: { id: 'alice', attributes: { 'target.type': 'service', 'target.id': target } },
});

test('should wait for a service write made through the API before answering', async ({ swarm, live, bus }) => {
  await live.read();
  swarm.services.set('b', summary('b', 'api'));
  await bus.publish([audited('api')]);
  assert.equal((await live.read()).services.map((s) => s.name), ['api', 'web']);
});

test('should wait for a write seen while an earlier read of the engine was under way', async ({ swarm, live, bus }) => {
  await live.read();
  swarm.slow(50);
  swarm.services.set('b', summary('b', 'api'));
  await bus.publish([audited('api')]);
  await new Promise((r) => setTimeout(r, 15));
  swarm.services.set('c', summary('c', 'db'));
  await bus.publish([audited('db')]);
  assert.equal((await live.read()).services.map((s) => s.name), ['api', 'db', 'web']);
  swarm.slow(0);
});

test('should not make a read wait for the engine after an engine event, and apply it soon after', async ({ swarm, live, bus }) => {
  await live.read();
  swarm.slow(400);
  swarm.services.set('b', summary('b', 'api'));
  await bus.publish([event('service', 'create', 'b'), event('node', 'update', 'n1')]);
  const t = performance.now();
  assert.equal((await live.read()).services.map((s) => s.name), ['web'], 'answered from memory');
  assert.ok(performance.now() - t < 200, `read took ${(performance.now() - t).toFixed(0)} ms`);
  swarm.slow(0);
  assert.equal(await eventually(live, (n) => n.length === 2), ['api', 'web']);
});

test('should serve the list serialised once, as the JSON of { services }', async ({ live }) => {
  const snapshot = await live.read();
  assert.is(Buffer.from(snapshot.body).toString(), JSON.stringify({ services: snapshot.services }));
  assert.is((await live.read()).body, snapshot.body);
});

test('should not make a read wait for the re-read of a service in flux', async ({ swarm, bus }) => {
  // A service that never converges (0 of 1 running, as a failing image does) is read again every convergeMs;
  // with a slow engine a read that waited for those re-reads would cost an engine call, as before live state.
  swarm.services.set('a', summary('a', 'web', 0));
  const live = createLiveServices({ swarm, events: bus, batchMs: 1, convergeMs: 20 });
  try {
    await live.read();
    swarm.slow(400);
    await new Promise((r) => setTimeout(r, 60));
    const before = swarm.calls.length;
    assert.ok(before >= 2, `a re-read is under way (${JSON.stringify(swarm.calls)})`);
    const t = performance.now();
    await live.read();
    assert.ok(performance.now() - t < 200, `read took ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    swarm.slow(0);
    await live.close();
  }
});

test('should not make a read wait for the re-read a container event asks for, and still apply it', async ({ swarm, live, bus }) => {
  await live.read();
  swarm.slow(400);
  swarm.services.set('a', summary('a', 'web', 0));
  await bus.publish([event('container', 'die', 'c1', { 'com.docker.swarm.service.id': 'a' })]);
  const t = performance.now();
  assert.is((await live.read()).services[0]!.replicas.running, 1, 'answered from memory');
  assert.ok(performance.now() - t < 200, `read took ${(performance.now() - t).toFixed(0)} ms`);
  swarm.slow(0);
  for (let deadline = Date.now() + 5_000; (await live.read()).services[0]!.replicas.running !== 0 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.is((await live.read()).services[0]!.replicas.running, 0);
});

test('should read from the engine while the state is behind, and go live again after a resync', async ({ swarm, live, bus }) => {
  await live.read();
  swarm.fail(true);
  await bus.publish([event('service', 'update', 'a')]);
  await settle();
  swarm.fail(false);
  swarm.services.set('b', summary('b', 'api'));
  const calls = swarm.calls.length;
  assert.equal((await live.read()).services.map((s) => s.name), ['api', 'web'], 'the engine answered, not the stale state');
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(swarm.calls.slice(calls).includes('all'), 'a resync was scheduled after the failure');
  const steady = swarm.calls.length;
  await live.read();
  assert.is(swarm.calls.length, steady, 'live again: answered from memory');
});

test.run();
