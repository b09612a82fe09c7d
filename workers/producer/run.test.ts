import { PassThrough } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../../lib/events/event.ts';
import { waitFor } from '../../lib/events/test-events.ts';
import { memoryCursor } from './cursor.ts';
import { memorySnapshot } from './resync.ts';
import { runProducer, type EngineEvents } from './run.ts';

// As the engine writes it: timeNano is a bare JSON number too large for a JS number.
const line = (n: number, timeNano: bigint) =>
  `${JSON.stringify({ Type: 'container', Action: 'start', scope: 'local', timeNano: 'T', Actor: { ID: `c${n}`, Attributes: { n: String(n) } } }).replace('"T"', timeNano.toString())}\n`;

/** A fake engine that records each getEvents call and hands out streams the test writes to. */
const fakeEngine = () => {
  const calls: Array<{ since?: number }> = [];
  const streams: PassThrough[] = [];
  let failNext = 0;
  const engine: EngineEvents & { calls: typeof calls; streams: typeof streams; fail(n: number): void } = {
    calls,
    streams,
    fail: (n) => void (failNext = n),
    async getEvents(options = {}) {
      calls.push(options);
      if (failNext > 0) {
        failNext--;
        throw new Error('connect ECONNREFUSED');
      }
      const s = new PassThrough();
      streams.push(s);
      return s;
    },
    async info() {
      return { Name: 'host', Swarm: { NodeID: 'node-1' } };
    },
  };
  return engine;
};

const recordingBus = () => {
  const published: Event[][] = [];
  let failures = 0;
  return {
    published,
    failTimes: (n: number) => void (failures = n),
    async publish(events: Event[]) {
      if (failures > 0) {
        failures--;
        throw new Error('broker down');
      }
      published.push(events);
    },
    async subscribe() {
      return { close: async () => {} };
    },
  };
};

const T = 1_700_000_000_000_000_000n;
const producer = suite('runProducer');

producer('should publish engine events tagged with the node id and save the cursor', async () => {
  const engine = fakeEngine();
  const bus = recordingBus();
  const cursor = memoryCursor();
  const controller = new AbortController();
  const done = runProducer({ docker: engine, bus, cursor, signal: controller.signal, onError: () => {} });
  await waitFor('a connection', () => engine.streams.length === 1);
  assert.equal(engine.calls[0], {});
  engine.streams[0]!.write(line(1, T + 1n) + 'not json\n' + JSON.stringify({ Type: 5 }) + '\n' + line(2, T + 2n).slice(0, 20));
  engine.streams[0]!.write(line(2, T + 2n).slice(20));
  await waitFor('two events', () => bus.published.flat().length === 2);
  const events = bus.published.flat();
  assert.equal(events.map((e) => e.actor.id), ['c1', 'c2']);
  assert.ok(events.every((e) => e.node === 'node-1'));
  await waitFor('the cursor', () => cursor.value === T + 2n);
  controller.abort();
  await done;
});

producer('should reconnect with backoff and ask for the whole buffer once it has a resume point', async () => {
  const engine = fakeEngine();
  const bus = recordingBus();
  const controller = new AbortController();
  const done = runProducer({
    docker: engine, bus, cursor: memoryCursor(), signal: controller.signal, onError: () => {},
    backoff: { initialMs: 5, maxMs: 20 },
  });
  await waitFor('a connection', () => engine.streams.length === 1);
  engine.streams[0]!.write(line(1, 1_700_000_010_500_000_000n));
  await waitFor('one event', () => bus.published.length === 1);
  engine.fail(2);
  engine.streams[0]!.end();
  await waitFor('a second stream', () => engine.streams.length === 2);
  assert.is(engine.calls.length, 4);
  assert.equal(engine.calls.slice(1).map((c) => c.since), [1, 1, 1]);
  controller.abort();
  await done;
});

producer('should resume after a restart from the saved cursor', async () => {
  const engine = fakeEngine();
  const controller = new AbortController();
  const done = runProducer({
    docker: engine, bus: recordingBus(), cursor: memoryCursor(1_700_000_100_000_000_000n), signal: controller.signal,
    onError: () => {},
  });
  await waitFor('a connection', () => engine.calls.length === 1);
  assert.equal(engine.calls[0], { since: 1 });
  controller.abort();
  await done;
});

/**
 * The engine's replay as moby's daemon/events (loadBufferedEvents) does it: walk the buffer back from the newest
 * event and stop at the first one older than `since`. The fault a real engine shows only while a manager restarts.
 */
const replayingEngine = () => {
  const buffer: Array<{ id: string; timeNano: bigint }> = [];
  const streams: PassThrough[] = [];
  const engine: EngineEvents = {
    async getEvents(options = {}) {
      const s = new PassThrough();
      if (options.since !== undefined) {
        const since = BigInt(options.since) * 1_000_000_000n;
        const replay: string[] = [];
        for (let i = buffer.length - 1; i >= 0 && buffer[i]!.timeNano >= since; i--) replay.unshift(lineFor(buffer[i]!));
        s.write(replay.join(''));
      }
      streams.push(s);
      return s;
    },
    async info() {
      return { Name: 'host', Swarm: { NodeID: 'node-1' } };
    },
  };
  const lineFor = (e: { id: string; timeNano: bigint }) =>
    `${JSON.stringify({ Type: 'service', Action: 'update', scope: 'swarm', timeNano: 'T', Actor: { ID: e.id, Attributes: {} } }).replace('"T"', e.timeNano.toString())}\n`;
  /** Logs an event: into the buffer, and live to the open stream. */
  const log = (id: string, timeNano: bigint) => {
    buffer.push({ id, timeNano });
    const live = streams.at(-1);
    if (live && !live.writableEnded) live.write(lineFor({ id, timeNano }));
  };
  return { engine, streams, log };
};

producer('should get every event logged while it was away, also behind one stamped with an older time', async () => {
  const { engine, streams, log } = replayingEngine();
  const bus = recordingBus();
  const controller = new AbortController();
  const done = runProducer({ docker: engine, bus, cursor: memoryCursor(), signal: controller.signal, onError: () => {}, backoff: { initialMs: 5, maxMs: 5 } });
  await waitFor('a connection', () => streams.length === 1);
  log('s1', T + 10_000_000_000n);
  await waitFor('one event', () => bus.published.flat().length === 1);
  streams[0]!.end();
  // Away: a new event, then one that carries its object's time from ten minutes ago (a restarted manager's).
  log('s2', T + 11_000_000_000n);
  log('s3', T - 600_000_000_000n);
  await waitFor('the events logged while away', () => bus.published.flat().length >= 3);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(bus.published.flat().map((e) => e.actor.id), ['s1', 's2', 's3'], 'each once, s1 not again');
  controller.abort();
  await done;
});

producer('should keep reading while the bus is down and publish everything, in order, once it is back', async () => {
  const engine = fakeEngine();
  const bus = recordingBus();
  bus.failTimes(3);
  const cursor = memoryCursor();
  const controller = new AbortController();
  const done = runProducer({ docker: engine, bus, cursor, signal: controller.signal, onError: () => {}, backoff: { initialMs: 5, maxMs: 20 } });
  await waitFor('a connection', () => engine.streams.length === 1);
  for (let i = 0; i < 50; i++) engine.streams[0]!.write(line(i, T + BigInt(i)));
  await waitFor('all events', () => bus.published.flat().length === 50);
  assert.equal(bus.published.flat().map((e) => e.actor.id), Array.from({ length: 50 }, (_, i) => `c${i}`));
  assert.is(cursor.value, T + 49n);
  controller.abort();
  await done;
});

producer('should publish what it already read when stopped', async () => {
  const engine = fakeEngine();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const published: Event[] = [];
  const bus = {
    async publish(events: Event[]) {
      await gate;
      published.push(...events);
    },
    async subscribe() {
      return { close: async () => {} };
    },
  };
  const controller = new AbortController();
  const done = runProducer({ docker: engine, bus, cursor: memoryCursor(), signal: controller.signal, onError: () => {} });
  await waitFor('a connection', () => engine.streams.length === 1);
  engine.streams[0]!.write(line(1, T) + line(2, T + 1n));
  await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  release();
  await done;
  assert.is(published.length, 2);
});

producer('should resync with the swarm on start and on every reconnect', async () => {
  const engine = fakeEngine();
  let lists = 0;
  let updatedAt = '2023-11-14T22:13:20.000000009Z';
  const withState = Object.assign(engine, {
    async listServices() {
      lists++;
      return [{ ID: 's1', Version: { Index: 10 + lists }, CreatedAt: '2023-11-14T22:13:20Z', UpdatedAt: updatedAt, Spec: { Name: 'web' } }];
    },
    async listNodes() {
      return [];
    },
  });
  const bus = recordingBus();
  const snapshot = memorySnapshot();
  const controller = new AbortController();
  const done = runProducer({
    docker: withState, bus, cursor: memoryCursor(), snapshot, signal: controller.signal, onError: () => {},
    backoff: { initialMs: 5, maxMs: 20 }, resyncSettleMs: 5,
  });
  await waitFor('create and update', () => bus.published.flat().length === 2);
  assert.equal(bus.published.flat().map((e) => e.action), ['create', 'update']);
  await waitFor('the snapshot saved', () => snapshot.value?.service.s1?.[1] === '1700000000000000009');
  updatedAt = '2023-11-14T22:13:21Z';
  engine.streams[0]!.end();
  await waitFor('a second resync', () => bus.published.flat().length === 3);
  assert.is(lists, 2);
  const last = bus.published.flat()[2]!;
  assert.equal([last.action, last.timeNano, last.actor.attributes.version], ['update', '1700000001000000000', '12']);
  controller.abort();
  await done;
});

producer.run();
