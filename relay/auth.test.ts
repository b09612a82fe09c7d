import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RawData } from 'ws';
import { createAuth } from './auth.ts';
import type { Authenticate, Principal } from './auth.ts';
import { CLOSE_CODES, createEnding } from './client.ts';
import type { Client } from './client.ts';
import { fakeClient, manualClock, recordingLog, settle } from '../testing/relay-doubles.ts';

const reader: Principal = { username: 'reader', permissions: ['events.read'] };

const setup = (authenticate: Authenticate = async () => reader, onAuthorized?: (c: Client) => Promise<void>) => {
  const clock = manualClock();
  const log = recordingLog();
  const calls: string[] = [];
  const streamed: Client[] = [];
  const ending = createEnding({ log, onFinish: (c) => auth.forget(c) });
  const auth = createAuth({
    authenticate: (token) => (calls.push(token), authenticate(token)),
    authTimeoutMs: 5_000,
    ending,
    clock,
    log,
    onAuthorized: onAuthorized ?? (async (c) => void (streamed.push(c), (c.state = 'replaying'))),
  });
  const send = (c: Client, text: string, isBinary = false) => auth.onMessage(c, Buffer.from(text) as RawData, isBinary);
  return { clock, log, calls, streamed, auth, send };
};

const closeCode = (c: ReturnType<typeof fakeClient>) => c.fake.closedWith?.code;

const Auth = suite('auth');

Auth('should start the stream once for a token from the handshake', async () => {
  const { auth, calls, streamed } = setup();
  const c = fakeClient();
  auth.admit(c, 'tok');
  await settle();
  assert.equal(calls, ['tok']);
  assert.equal(streamed, [c]);
  assert.equal([c.token, c.username], ['tok', 'reader']);
});

Auth('should start the stream for the first auth message', async () => {
  const { auth, calls, streamed, send } = setup();
  const c = fakeClient();
  auth.admit(c, undefined);
  send(c, '{"type":"auth","token":"tok"}');
  await settle();
  assert.equal(calls, ['tok']);
  assert.equal(streamed, [c]);
});

Auth('should swap the token on a later auth message without starting the stream again', async () => {
  const { auth, streamed, send } = setup();
  const c = fakeClient();
  auth.admit(c, 'old');
  await settle();
  send(c, '{"type":"auth","token":"new"}');
  await settle();
  assert.is(c.token, 'new');
  assert.equal(streamed, [c]);
  assert.equal(c.fake.sent, []);
});

Auth('should close with 4401 on a malformed credential without asking the store', () => {
  const { auth, calls } = setup();
  const c = fakeClient();
  auth.admit(c, null);
  assert.is(closeCode(c), CLOSE_CODES.unauthenticated);
  assert.equal(calls, []);
});

Auth('should close with 4401 when no auth message comes within the timeout, and not before', () => {
  const { auth, clock } = setup();
  const c = fakeClient();
  auth.admit(c, undefined);
  clock.advance(4_999);
  assert.is(c.state, 'authenticating');
  clock.advance(1);
  assert.is(closeCode(c), CLOSE_CODES.unauthenticated);
});

Auth('should close with 4503 when the store is still checking the token at the timeout', async () => {
  const { auth, clock, streamed } = setup(() => new Promise(() => {}));
  const c = fakeClient();
  auth.admit(c, 'tok');
  await settle();
  clock.advance(5_000);
  assert.is(closeCode(c), CLOSE_CODES.store_unavailable);
  assert.equal(streamed, []);
});

Auth('should not time out a client once its stream started', async () => {
  const { auth, clock } = setup();
  const c = fakeClient();
  auth.admit(c, 'tok');
  await settle();
  clock.advance(10_000);
  assert.is(c.state, 'replaying');
  assert.equal(c.fake.sent, []);
});

Auth('should close with 4403 without events.read, 4401 on a bad token and 4503 when the store is down', async () => {
  const cases: Array<[Authenticate, number]> = [
    [async () => ({ username: 'other', permissions: ['services.read'] }), CLOSE_CODES.forbidden],
    [async () => Promise.reject(Object.assign(new Error('bad'), { code: 'unauthenticated' })), CLOSE_CODES.unauthenticated],
    [async () => Promise.reject(Object.assign(new Error('bad'), { code: 'invalid_credentials' })), CLOSE_CODES.unauthenticated],
    [async () => Promise.reject(Object.assign(new Error('down'), { code: 'store_unavailable' })), CLOSE_CODES.store_unavailable],
  ];
  for (const [authenticate, code] of cases) {
    const { auth, streamed, log } = setup(authenticate);
    const c = fakeClient();
    auth.admit(c, 'tok');
    await settle();
    assert.is(closeCode(c), code);
    assert.equal(c.fake.messages().map((m) => m.type), ['error']);
    assert.equal(streamed, []);
    assert.equal(log.messages, []);
  }
});

Auth('should log an unexpected authenticate failure and close with 4503', async () => {
  const { auth, log } = setup(async () => Promise.reject(new TypeError('bug')));
  const c = fakeClient();
  auth.admit(c, 'tok');
  await settle();
  assert.is(closeCode(c), CLOSE_CODES.store_unavailable);
  assert.equal(log.messages, ['relay: authenticate failed']);
});

Auth('should close with 4503 when the stream itself fails', async () => {
  const { auth, log } = setup(undefined, async () => Promise.reject(new Error('bug')));
  const c = fakeClient();
  auth.admit(c, 'tok');
  await settle();
  assert.is(closeCode(c), CLOSE_CODES.store_unavailable);
  assert.equal(log.messages, ['relay: stream failed']);
});

Auth('should not start the stream for a client that went away while its token was checked', async () => {
  let answer: (p: Principal) => void = () => {};
  const { auth, streamed } = setup(() => new Promise((r) => (answer = r)));
  const c = fakeClient();
  auth.admit(c, 'tok');
  c.state = 'closed';
  answer(reader);
  await settle();
  assert.equal(streamed, []);
});

Auth('should close with 1008 on anything but one auth message with a token string', async () => {
  const cases: Array<[string, (send: (c: Client, text: string, isBinary?: boolean) => void, c: Client) => void]> = [
    ['binary', (send, c) => send(c, '{"type":"auth","token":"tok"}', true)],
    ['not JSON', (send, c) => send(c, '{"type":')],
    ['JSON null', (send, c) => send(c, 'null')],
    ['unknown type', (send, c) => send(c, '{"type":"subscribe"}')],
    ['token not a string', (send, c) => send(c, '{"type":"auth","token":{"$ne":null}}')],
    ['empty token', (send, c) => send(c, '{"type":"auth","token":""}')],
    ['prototype pollution', (send, c) => send(c, '{"type":"auth","__proto__":{"token":"tok"}}')],
    ['a second auth message in flight', (send, c) => (send(c, '{"type":"auth","token":"a"}'), send(c, '{"type":"auth","token":"b"}'))],
  ];
  for (const [name, act] of cases) {
    const { auth, send, calls } = setup(() => new Promise(() => {}));
    const c = fakeClient();
    auth.admit(c, undefined);
    act(send, c);
    assert.is(closeCode(c), CLOSE_CODES.protocol, name);
    assert.is(c.fake.messages()[0]!.error!.code, 'validation_failed', name);
    assert.ok(calls.length <= 1, name);
  }
});

Auth.run();
