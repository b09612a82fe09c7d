import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOSE_CODES, createEnding } from './client.ts';
import type { Client } from './client.ts';
import { fakeClient, recordingLog } from '../testing/relay-doubles.ts';

const setup = () => {
  const log = recordingLog();
  const finished: Client[] = [];
  const ending = createEnding({ log, onFinish: (c) => void finished.push(c) });
  return { log, finished, ending };
};

const Ending = suite('client: ending');

Ending('should send an error message, then close with the close code of the error', () => {
  const { ending } = setup();
  const c = fakeClient({ state: 'live' });
  ending.fail(c, 'forbidden', 'events.read was revoked');
  assert.equal(c.fake.messages(), [{ type: 'error', error: { code: 'forbidden', message: 'events.read was revoked' } }]);
  assert.equal(c.fake.closedWith, { code: CLOSE_CODES.forbidden, reason: 'forbidden' });
  assert.is(c.state, 'closed');
});

Ending('should close a protocol error with 1008 and report it as validation_failed', () => {
  const { ending } = setup();
  const c = fakeClient();
  ending.fail(c, 'protocol', 'Messages must be JSON');
  assert.is(c.fake.messages()[0]!.error!.code, 'validation_failed');
  assert.equal(c.fake.closedWith, { code: 1008, reason: 'validation_failed' });
});

Ending('should terminate instead of sending when the socket is no longer open', () => {
  const { ending } = setup();
  const c = fakeClient();
  c.fake.readyState = 2;
  ending.fail(c, 'unauthenticated', 'Invalid or expired token');
  assert.equal(c.fake.sent, []);
  assert.ok(c.fake.terminated);
});

Ending('should terminate a dropped client without a close handshake and log why, never the token', () => {
  const { ending, log } = setup();
  const c = fakeClient({ state: 'live', username: 'reader', token: 'secret' });
  ending.drop(c, 'client stopped reading');
  assert.ok(c.fake.terminated);
  assert.is(c.fake.closedWith, undefined);
  assert.equal(log.messages, ['relay: client terminated']);
});

Ending('should let the parts forget a client once, whichever way it ends', () => {
  const { ending, finished } = setup();
  const c = fakeClient({ state: 'replaying' });
  ending.finish(c);
  ending.fail(c, 'forbidden', 'x');
  ending.drop(c, 'y');
  ending.finish(c);
  assert.equal(finished, [c]);
  assert.equal(c.fake.sent, []);
  assert.not.ok(c.fake.terminated);
});

Ending.run();
