import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from './auth.ts';
import { CLOSE_CODES, createEnding } from './client.ts';
import type { Client } from './client.ts';
import { createRevocation } from './revocation.ts';
import { fakeClient, manualClock, recordingLog, settle } from '../testing/relay-doubles.ts';

const PING_MS = 1_000;

/** `users` maps a token to its principal; a missing token is unauthenticated, 'hang' never answers. */
const setup = (users: Map<string, Principal | 'hang'>) => {
  const clock = manualClock();
  const log = recordingLog();
  const calls: string[] = [];
  const overloaded = new Set<Client>();
  const ending = createEnding({ log, onFinish: (c) => revocation.forget(c) });
  const revocation = createRevocation({
    authenticate: async (token) => {
      calls.push(token);
      const p = users.get(token);
      if (p === 'hang') return new Promise(() => {});
      if (!p) throw Object.assign(new Error('bad token'), { code: 'unauthenticated' });
      return { ...p, permissions: [...p.permissions] };
    },
    pingIntervalMs: PING_MS,
    overloaded: (c) => overloaded.has(c),
    ending,
    clock,
    log,
  });
  /** One tick, then the re-checks it started answer. */
  const tick = async () => {
    clock.advance(PING_MS);
    await settle();
  };
  return { clock, log, calls, overloaded, revocation, tick };
};

const reader: Principal = { username: 'reader', permissions: ['events.read'] };
const watched = (r: ReturnType<typeof setup>['revocation'], over: Partial<Client> = {}) => {
  const c = fakeClient({ state: 'live', token: 'tok-reader', username: 'reader', ...over });
  r.watch(c);
  return c;
};

const Revocation = suite('revocation');

Revocation('should ping and re-read permissions on each tick, and keep a client that answers', async () => {
  const { revocation, calls, tick } = setup(new Map([['tok-reader', reader]]));
  const c = watched(revocation);
  await tick();
  c.fake.emit('pong');
  await tick();
  assert.is(c.fake.pings, 2);
  assert.equal(calls, ['tok-reader', 'tok-reader']);
  assert.is(c.state, 'live');
  revocation.stop();
});

Revocation('should terminate a client that did not answer the previous ping', async () => {
  const { revocation, tick, log } = setup(new Map([['tok-reader', reader]]));
  const c = watched(revocation);
  await tick();
  await tick();
  assert.ok(c.fake.terminated);
  assert.equal(log.messages, ['relay: client terminated']);
  revocation.stop();
});

Revocation('should close with 4403 once events.read is revoked', async () => {
  const users = new Map<string, Principal | 'hang'>([['tok-reader', reader]]);
  const { revocation, tick } = setup(users);
  const c = watched(revocation);
  users.set('tok-reader', { username: 'reader', permissions: [] });
  await tick();
  assert.equal(c.fake.closedWith, { code: CLOSE_CODES.forbidden, reason: 'forbidden' });
  revocation.stop();
});

Revocation('should close with 4401 once the token stops working', async () => {
  const { revocation, tick } = setup(new Map());
  const c = watched(revocation);
  await tick();
  assert.is(c.fake.closedWith?.code, CLOSE_CODES.unauthenticated);
  revocation.stop();
});

Revocation('should close with 4503 when a re-check has not answered for a whole interval', async () => {
  const { revocation, tick, calls } = setup(new Map([['tok-reader', 'hang']]));
  const c = watched(revocation);
  await tick();
  c.fake.emit('pong');
  await tick();
  assert.is(c.fake.closedWith?.code, CLOSE_CODES.store_unavailable);
  assert.is(calls.length, 1);
  revocation.stop();
});

Revocation('should terminate a client whose socket is over the backpressure bound', async () => {
  const { revocation, tick, overloaded, calls } = setup(new Map([['tok-reader', reader]]));
  const c = watched(revocation);
  overloaded.add(c);
  await tick();
  assert.ok(c.fake.terminated);
  assert.equal(calls, []);
  revocation.stop();
});

Revocation('should leave alone a client it does not watch or has forgotten', async () => {
  const { revocation, tick, calls } = setup(new Map([['tok-reader', reader]]));
  const c = watched(revocation);
  revocation.forget(c);
  const authenticating = fakeClient();
  await tick();
  assert.is(c.fake.pings + authenticating.fake.pings, 0);
  assert.equal(calls, []);
  revocation.stop();
});

Revocation('should re-check one user\'s clients at once on onRevoked, without waiting for the tick', async () => {
  const users = new Map<string, Principal | 'hang'>([
    ['tok-reader', reader],
    ['tok-other', { username: 'other', permissions: ['events.read'] }],
  ]);
  const { revocation, calls } = setup(users);
  const a = watched(revocation);
  const b = watched(revocation);
  const other = watched(revocation, { token: 'tok-other', username: 'other' });
  users.delete('tok-reader');
  revocation.onRevoked('reader');
  await settle();
  assert.is(a.fake.closedWith?.code, CLOSE_CODES.unauthenticated);
  assert.is(b.fake.closedWith?.code, CLOSE_CODES.unauthenticated);
  assert.is(other.state, 'live');
  assert.equal(calls, ['tok-reader', 'tok-reader']);
  revocation.stop();
});

Revocation('should check once more when a revoke lands while a tick\'s re-check is in flight', async () => {
  const users = new Map<string, Principal | 'hang'>([['tok-reader', reader]]);
  const { revocation, clock, calls } = setup(users);
  const c = watched(revocation);
  clock.advance(PING_MS); // the tick's re-check has read the user (still a reader) and not yet answered
  users.set('tok-reader', { username: 'reader', permissions: [] });
  revocation.onRevoked('reader');
  await settle();
  assert.is(c.fake.closedWith?.code, CLOSE_CODES.forbidden);
  assert.equal(calls, ['tok-reader', 'tok-reader']);
  revocation.stop();
});

Revocation('should re-check every client on onAnyChange', async () => {
  const users = new Map<string, Principal | 'hang'>([
    ['tok-reader', reader],
    ['tok-other', { username: 'other', permissions: ['events.read'] }],
  ]);
  const { revocation } = setup(users);
  const a = watched(revocation);
  const other = watched(revocation, { token: 'tok-other', username: 'other' });
  users.delete('tok-reader');
  users.set('tok-other', { username: 'other', permissions: [] });
  revocation.onAnyChange();
  await settle();
  assert.is(a.fake.closedWith?.code, CLOSE_CODES.unauthenticated);
  assert.is(other.fake.closedWith?.code, CLOSE_CODES.forbidden);
  revocation.stop();
});

Revocation('should stop ticking once stopped', async () => {
  const { revocation, tick } = setup(new Map([['tok-reader', reader]]));
  const c = watched(revocation);
  revocation.stop();
  await tick();
  assert.is(c.fake.pings, 0);
});

Revocation.run();
