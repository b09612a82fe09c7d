import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../lib/events/event.ts';
import type { EventBus } from '../lib/events/event-bus.ts';
import { testEvent } from '../lib/events/test-events.ts';
import { createBackpressure } from './backpressure.ts';
import { createEnding } from './client.ts';
import { createFanOut } from './fanout.ts';
import { fakeClient, recordingLog } from '../testing/relay-doubles.ts';

const fakeBus = (failFirst = 0) => {
  const b = {
    subscribes: 0,
    closes: 0,
    emit: (_e: Event): void => {},
    bus: {
      publish: async () => {},
      subscribe: async (onEvent: (e: Event) => void) => {
        b.subscribes++;
        if (b.subscribes <= failFirst) throw new Error('bus down');
        b.emit = onEvent;
        return { close: async () => void b.closes++ };
      },
    } as EventBus,
  };
  return b;
};

const setup = (maxBufferedBytes = 1 << 20, failFirst = 0) => {
  const log = recordingLog();
  const b = fakeBus(failFirst);
  const ending = createEnding({ log, onFinish: (c) => fanout.leave(c) });
  const backpressure = createBackpressure({ maxBufferedBytes, replayHighWaterBytes: 1 << 20, ending });
  const fanout = createFanOut({ bus: b.bus, backpressure, ending, log });
  return { log, b, fanout };
};

const ids = (c: ReturnType<typeof fakeClient>) => c.fake.messages().map((m) => m.event?.id ?? m.type);
const ev = (n: number) => testEvent(1_000_000n + BigInt(n), n);

const FanOut = suite('fanout');

FanOut('should hold one bus subscription however often asked, and open it again after a failure', async () => {
  const { b, fanout } = setup(1 << 20, 1);
  await fanout.subscribe().catch(() => {});
  await Promise.all([fanout.subscribe(), fanout.subscribe()]);
  assert.is(b.subscribes, 2);
  await fanout.close();
  assert.is(b.closes, 1);
});

FanOut('should serialize each event once for all its clients', async () => {
  const { b, fanout } = setup();
  await fanout.subscribe();
  const clients = [fakeClient(), fakeClient(), fakeClient()];
  for (const c of clients) {
    fanout.join(c);
    fanout.goLive(c, new Set());
  }
  let serialized = 0;
  const e = ev(1);
  b.emit({ ...e, toJSON: () => (serialized++, e) } as Event);
  assert.is(serialized, 1);
  for (const c of clients) assert.equal(ids(c), ['live', e.id]);
});

FanOut('should buffer live events during the replay and send them after the live mark, minus replayed ones', async () => {
  const { b, fanout } = setup();
  await fanout.subscribe();
  const c = fakeClient({ state: 'replaying' });
  fanout.join(c);
  b.emit(ev(1));
  b.emit(ev(2));
  assert.equal(c.fake.sent, []);
  fanout.goLive(c, new Set([ev(1).id]));
  assert.is(c.state, 'live');
  b.emit(ev(3));
  assert.equal(ids(c), ['live', ev(2).id, ev(3).id]);
});

FanOut('should drop a replaying client whose buffer overflows and keep serving the others', async () => {
  const size = Buffer.byteLength(JSON.stringify({ type: 'event', event: ev(1) }));
  const { b, fanout, log } = setup(size * 2);
  await fanout.subscribe();
  const slow = fakeClient({ state: 'replaying' });
  const fast = fakeClient({ state: 'replaying' });
  fanout.join(slow);
  fanout.join(fast);
  fanout.goLive(fast, new Set());
  for (let i = 0; i < 3; i++) b.emit(ev(i));
  assert.ok(slow.fake.terminated);
  assert.is(fanout.size, 1);
  assert.is(fast.fake.sent.length, 4);
  assert.equal(log.messages, ['relay: client terminated']);
});

FanOut('should send nothing to a client that left', async () => {
  const { b, fanout } = setup();
  await fanout.subscribe();
  const c = fakeClient();
  fanout.join(c);
  fanout.goLive(c, new Set());
  fanout.leave(c);
  b.emit(ev(1));
  assert.equal(ids(c), ['live']);
  fanout.goLive(c, new Set());
  assert.equal(ids(c), ['live']);
});

FanOut('should drop an event it cannot serialize and log it', async () => {
  const { b, fanout, log } = setup();
  await fanout.subscribe();
  const c = fakeClient();
  fanout.join(c);
  fanout.goLive(c, new Set());
  b.emit({ ...ev(1), timeNano: 1n } as unknown as Event);
  assert.equal(ids(c), ['live']);
  assert.equal(log.messages, ['relay: unserializable event dropped']);
});

FanOut.run();
