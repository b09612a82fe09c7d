import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../lib/events/event.ts';
import type { EventHistory, EventQuery } from '../lib/events/event-history.ts';
import { testEvent } from '../lib/events/test-events.ts';
import { createBackpressure } from './backpressure.ts';
import { CLOSE_CODES, createEnding } from './client.ts';
import { createReplay } from './replay.ts';
import type { Joined } from './replay.ts';
import { fakeClient, manualClock, recordingLog, settle } from '../testing/relay-doubles.ts';

const NS_PER_MS = 1_000_000n;
const JOINED_NS = 1_764_288_000_000_000_000n;

/** An in-memory history whose cursor is an offset; `fail` makes the next read throw. */
const fakeHistory = (events: Event[] = []) => {
  const h = {
    events,
    reads: [] as EventQuery[],
    fail: false,
    history: {
      append: async () => {},
      close: async () => {},
      range: async (q: EventQuery) => {
        h.reads.push(q);
        if (h.fail) throw new Error('history down');
        const all = h.events
          .filter((e) => BigInt(e.timeNano) >= (q.since ?? 0n))
          .sort((a, b) => (BigInt(a.timeNano) < BigInt(b.timeNano) ? -1 : 1));
        const from = q.cursor === undefined ? 0 : Number(q.cursor);
        const limit = q.limit ?? all.length;
        const next = from + limit < all.length ? String(from + limit) : undefined;
        return next === undefined ? { events: all.slice(from) } : { events: all.slice(from, from + limit), next };
      },
    } as EventHistory,
  };
  return h;
};

const setup = (events: Event[] = [], over: { settleMs?: number; pageSize?: number; replayHighWaterBytes?: number; maxEvents?: number; maxBytes?: number } = {}) => {
  const clock = manualClock();
  const log = recordingLog();
  const h = fakeHistory(events);
  const ending = createEnding({ log, onFinish: () => {} });
  const backpressure = createBackpressure({ maxBufferedBytes: 1 << 22, replayHighWaterBytes: over.replayHighWaterBytes ?? 1 << 20, ending });
  const replay = createReplay({
    history: h.history,
    backpressure,
    ending,
    clock,
    log,
    pageSize: over.pageSize ?? 2,
    maxEvents: over.maxEvents ?? 10_000,
    maxBytes: over.maxBytes ?? 1 << 24,
    catchUpWindowMs: 5_000,
    settleMs: over.settleMs ?? 0,
  });
  const joined: Joined = { ms: clock.now(), ns: JOINED_NS };
  return { clock, log, h, replay, joined };
};

/** `n` events `ago` ms before the join, 1 ns apart. */
const events = (n: number, agoMs: number, tag = 0) =>
  Array.from({ length: n }, (_, i) => testEvent(JOINED_NS - BigInt(agoMs) * NS_PER_MS + BigInt(i), tag * 1000 + i));
const ids = (c: ReturnType<typeof fakeClient>) => c.fake.messages().map((m) => m.event?.id ?? m.type);

const Replay = suite('replay');

Replay('should send the stored events from since, oldest first, across pages', async () => {
  const old = events(5, 60_000);
  const { h, replay, joined } = setup([...old].reverse());
  const c = fakeClient({ state: 'replaying', since: BigInt(old[1]!.timeNano) });
  const recent = await replay.run(c, joined);
  assert.equal(ids(c), old.slice(1).map((e) => e.id));
  assert.equal(recent, new Set(), 'nothing came from the catch-up window');
  const first = h.reads.filter((q) => q.since === BigInt(old[1]!.timeNano));
  assert.equal(first.map((q) => q.cursor), [undefined, '2']);
  assert.ok(h.reads.every((q) => q.limit === 2));
});

Replay('should read the catch-up window again after settleMs and send only what the first read missed', async () => {
  const before = events(2, 1_000);
  const { h, replay, joined, clock } = setup([...before], { settleMs: 250 });
  const c = fakeClient({ state: 'replaying', since: JOINED_NS - 60_000n * NS_PER_MS });
  const running = replay.run(c, joined);
  await settle();
  assert.equal(ids(c), before.map((e) => e.id));
  // Stored late: published before the join, written by the lagging consumer after the first read.
  const late = events(1, 10, 1);
  h.events.push(...late);
  clock.advance(249);
  await settle();
  assert.is(h.reads.length, 1, 'the catch-up read waits for settleMs');
  clock.advance(1);
  const recent = await running;
  assert.equal(ids(c), [...before, ...late].map((e) => e.id));
  assert.equal(recent, new Set([...before, ...late].map((e) => e.id)));
  assert.is(h.reads[1]!.since, JOINED_NS - 5_000n * NS_PER_MS);
});

Replay('should start the catch-up read at since when since is inside the window', async () => {
  const { h, replay, joined } = setup(events(1, 10));
  const since = JOINED_NS - 100n * NS_PER_MS;
  await replay.run(fakeClient({ state: 'replaying', since }), joined);
  assert.equal(h.reads.map((q) => q.since), [since, since]);
});

Replay('should not wait when settleMs has already passed since the join', async () => {
  const { h, replay, joined, clock } = setup([], { settleMs: 250 });
  clock.advance(300);
  await replay.run(fakeClient({ state: 'replaying', since: 0n }), joined);
  assert.is(h.reads.length, 2);
});

Replay('should close with 4503 when the history fails, and stay quiet for a client already gone', async () => {
  const { h, replay, joined, log } = setup(events(3, 1_000));
  h.fail = true;
  const c = fakeClient({ state: 'replaying', since: 0n });
  assert.is(await replay.run(c, joined), undefined);
  assert.is(c.fake.closedWith?.code, CLOSE_CODES.store_unavailable);
  assert.equal(log.messages, ['relay: history read failed']);
  const gone = fakeClient({ state: 'closed', since: 0n });
  assert.is(await replay.run(gone, joined), undefined);
  assert.equal(gone.fake.sent, []);
  assert.is(log.messages.length, 1);
});

Replay('should stop reading once the client is gone', async () => {
  const { h, replay, joined } = setup(events(6, 60_000), { pageSize: 2 });
  const c = fakeClient({ state: 'replaying', since: 0n });
  c.fake.send = function (data: string, cb?: () => void) {
    this.sent.push(data);
    if (this.sent.length === 2) c.state = 'closed';
    cb?.();
  };
  assert.is(await replay.run(c, joined), undefined);
  assert.is(c.fake.sent.length, 2);
  assert.ok(h.reads.length <= 2, 'at most the prefetched page was read');
});

Replay('should wait for the socket to drain above the high-water mark before the next page', async () => {
  const { h, replay, joined } = setup(events(4, 60_000), { pageSize: 2, replayHighWaterBytes: 10 });
  const c = fakeClient({ state: 'replaying', since: 0n });
  c.fake.holdCallbacks = true;
  c.fake.bufferedAmount = 11;
  const running = replay.run(c, joined);
  await settle();
  assert.is(c.fake.sent.length, 2);
  assert.is(h.reads.length, 2, 'the next page is read while this one drains');
  c.fake.flush();
  await settle();
  assert.is(c.fake.sent.length, 4);
  c.fake.bufferedAmount = 0;
  c.fake.flush();
  assert.ok(await running);
});

Replay('should stop at maxEvents, stop reading, and tell the client the span to read with list-events', async () => {
  const old = events(9, 60_000);
  const { h, replay, joined, log } = setup(old, { pageSize: 2, maxEvents: 5 });
  const c = fakeClient({ state: 'replaying', since: 0n });
  const recent = await replay.run(c, joined);
  assert.equal(recent, new Set(), 'the client goes live');
  const sent = c.fake.messages();
  assert.equal(sent.slice(0, 5).map((m) => m.event?.id), old.slice(0, 5).map((e) => e.id));
  assert.equal(sent[5], { type: 'truncated', since: old[5]!.timeNano, until: String(JOINED_NS), sent: 5 });
  assert.is(sent.length, 6);
  assert.ok(h.reads.length <= 4, `read ${h.reads.length} pages for 5 events (page 2, one prefetch), no catch-up read`);
  assert.equal(log.messages, ['relay: replay truncated']);
});

Replay('should stop at maxBytes, counting the frames it sends', async () => {
  const old = events(6, 60_000);
  const frame = (e: (typeof old)[number]) => Buffer.byteLength(`{"type":"event","event":${JSON.stringify(e)}}`);
  const { replay, joined } = setup(old, { pageSize: 4, maxBytes: frame(old[0]!) + frame(old[1]!) + frame(old[2]!) - 1 });
  const c = fakeClient({ state: 'replaying', since: 0n });
  await replay.run(c, joined);
  assert.equal(ids(c), [old[0]!.id, old[1]!.id, 'truncated']);
  assert.is((c.fake.messages()[2] as unknown as { since: string }).since, old[2]!.timeNano);
});

Replay('should count the catch-up read against the same bound', async () => {
  const before = events(3, 1_000);
  const { h, replay, joined } = setup([...before], { pageSize: 10, maxEvents: 4 });
  const c = fakeClient({ state: 'replaying', since: 0n });
  const running = replay.run(c, joined);
  const late = events(2, 10, 1);
  h.events.push(...late);
  await running;
  assert.equal(ids(c), [...before, late[0]!].map((e) => e.id).concat('truncated'));
});

Replay.run();
