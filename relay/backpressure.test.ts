import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBackpressure } from './backpressure.ts';
import { createEnding } from './client.ts';
import { textFrame } from './frames.ts';
import { fakeClient, recordingLog, settle } from '../testing/relay-doubles.ts';

const setup = () => {
  const log = recordingLog();
  const ending = createEnding({ log, onFinish: () => {} });
  const backpressure = createBackpressure({ maxBufferedBytes: 1000, replayHighWaterBytes: 100, ending });
  return { log, backpressure };
};

const Live = suite('backpressure: live sends');

Live('should send a live frame while the socket holds no more than the bound', () => {
  const { backpressure } = setup();
  const c = fakeClient({ state: 'live' });
  c.fake.bufferedAmount = 1000;
  backpressure.sendLive(c, textFrame('a'));
  assert.equal(c.fake.sent, ['a']);
  assert.not.ok(backpressure.overloaded(c));
});

Live('should terminate a client whose socket holds more than the bound, and send it nothing', () => {
  const { backpressure, log } = setup();
  const c = fakeClient({ state: 'live' });
  c.fake.bufferedAmount = 1001;
  assert.ok(backpressure.overloaded(c));
  backpressure.sendLive(c, textFrame('a'));
  assert.equal(c.fake.sent, []);
  assert.ok(c.fake.terminated);
  assert.is(c.state, 'closed');
  assert.equal(log.messages, ['relay: client terminated']);
});

Live('should skip a socket that is no longer open', () => {
  const { backpressure } = setup();
  const c = fakeClient({ state: 'live' });
  c.fake.readyState = 2;
  backpressure.sendLive(c, textFrame('a'));
  assert.equal(c.fake.sent, []);
  assert.not.ok(c.fake.terminated);
});

Live.run();

const Pending = suite('backpressure: pending events');
const f = { a: textFrame('a'), b: textFrame('b'), c: textFrame('c'), d: textFrame('d') };

Pending('should keep events in order until taken, and start empty after', () => {
  const { backpressure } = setup();
  const p = backpressure.pending();
  assert.ok(p.push('1', f.a, 1));
  assert.ok(p.push('2', f.b, 1));
  assert.equal(p.take(), [{ id: '1', data: f.a }, { id: '2', data: f.b }]);
  assert.equal(p.take(), []);
});

Pending('should report overflow once more than the bound is held, counting from the last take', () => {
  const { backpressure } = setup();
  const p = backpressure.pending();
  assert.ok(p.push('1', f.a, 600));
  assert.ok(p.push('2', f.b, 400));
  assert.not.ok(p.push('3', f.c, 1));
  p.take();
  assert.ok(p.push('4', f.d, 1000));
});

Pending.run();

const Replay = suite('backpressure: replay pacing');

Replay('should send replay frames in order without waiting below the high-water mark', async () => {
  const { backpressure } = setup();
  const c = fakeClient({ state: 'replaying' });
  c.fake.holdCallbacks = true;
  c.fake.bufferedAmount = 100;
  await backpressure.sendReplay(c, ['a', 'b', 'c']);
  assert.equal(c.fake.sent, ['a', 'b', 'c']);
});

Replay('should wait above the high-water mark until the last frame left the socket', async () => {
  const { backpressure } = setup();
  const c = fakeClient({ state: 'replaying' });
  c.fake.holdCallbacks = true;
  c.fake.bufferedAmount = 101;
  let done = false;
  const sending = backpressure.sendReplay(c, ['a', 'b']).then(() => (done = true));
  await settle();
  assert.not.ok(done);
  c.fake.flush();
  await sending;
  assert.ok(done);
});

Replay('should stop waiting when the client closes', async () => {
  const { backpressure } = setup();
  const c = fakeClient({ state: 'replaying' });
  c.fake.holdCallbacks = true;
  c.fake.bufferedAmount = 101;
  const sending = backpressure.sendReplay(c, ['a']);
  c.fake.terminate();
  await sending;
});

Replay('should send nothing to a client that was closed', async () => {
  const { backpressure } = setup();
  const c = fakeClient({ state: 'closed' });
  await backpressure.sendReplay(c, ['a']);
  assert.equal(c.fake.sent, []);
});

Replay.run();
