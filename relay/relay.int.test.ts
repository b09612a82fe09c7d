/**
 * The relay over real sockets on 127.0.0.1: a real `ws` client, the real in-process bus and the real embedded
 * history (SQLite in a temporary directory), wired as local mode wires them (bus → consumer group → history).
 * Only `authenticate` is a recording fake; the relay takes it as a dependency.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import type { Event } from '../lib/events/event.ts';
import { SCOPED_SERVICES, scopedEvents } from '../lib/events/scoped-test-events.ts';
import { testEvent, waitFor } from '../lib/events/test-events.ts';
import { startLocalRelay, type LocalRelay } from '../testing/local-relay.ts';
import { CLOSE_CODES, createRelay } from './relay.ts';
import type { Principal, RelayDeps } from './relay.ts';

const NS_PER_MS = 1_000_000n;
const TMP = join(process.cwd(), '.cache', 'tmp');

type Message = { type: string; event?: Event; error?: { code: string; message: string } };

interface Harness extends LocalRelay {
  users: Map<string, Principal>;
  authCalls: string[];
  /** Publishes like the producer; resolves once the consumer group stored the events. */
  publish(events: Event[]): Promise<void>;
}

let dirs = 0;
/** `consumerLagMs` delays each history write, as a Kafka → Cassandra consumer lags behind the bus. */
const start = async (over: Partial<RelayDeps> = {}, consumerLagMs = 0): Promise<Harness> => {
  const users = new Map<string, Principal>([
    ['tok-reader', { username: 'reader', permissions: ['events.read'] }],
    ['tok-other', { username: 'other', permissions: ['services.read'] }],
    ['tok-shop', { username: 'shop', permissions: ['events.read:stack=shop'] }],
  ]);
  const authCalls: string[] = [];
  const local = await startLocalRelay({
    dataDir: join(TMP, `relay-${process.pid}-${dirs++}`),
    consumerLagMs,
    deps: (origin) => ({
      authenticate: async (token) => {
        authCalls.push(token);
        const p = users.get(token);
        if (!p) throw Object.assign(new Error('bad token'), { code: 'unauthenticated' });
        return { username: p.username, permissions: [...p.permissions] };
      },
      tokenFromCookie: (header) => /(?:^|;\s*)session=([^;]+)/.exec(header ?? '')?.[1],
      isAllowedOrigin: (o) => o === origin,
      settleMs: 0,
      ...over,
    }),
  });
  return { ...local, users, authCalls, publish: (events) => local.bus.publish(events) };
};

interface Client {
  ws: WebSocket;
  messages: Message[];
  events: () => Event[];
  closed: Promise<{ code: number; reason: string }>;
  /** The HTTP status when the handshake was refused. */
  refused: Promise<number | undefined>;
}

const connect = (url: string, options: { headers?: Record<string, string>; auth?: string } = {}): Client => {
  const ws = new WebSocket(url, { headers: options.headers });
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
  if (options.auth !== undefined) ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: options.auth })));
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  const refused = new Promise<number | undefined>((r) => {
    ws.on('unexpected-response', (_req, res) => {
      r(res.statusCode);
      ws.terminate();
    });
    ws.on('open', () => r(undefined));
    ws.on('error', () => r(undefined));
  });
  return { ws, messages, events: () => messages.filter((m) => m.type === 'event').map((m) => m.event!), closed, refused };
};

const isLive = (c: Client) => () => c.messages.some((m) => m.type === 'live');
const nowNs = () => BigInt(Date.now()) * NS_PER_MS;
/** Events a minute old (inside the default window), `n` of them, 1 µs apart, starting at `from`. */
const batch = (n: number, from = nowNs() - 60_000n * NS_PER_MS, tag = 0): Event[] =>
  Array.from({ length: n }, (_, i) => testEvent(from + BigInt(i) * 1000n, tag * 1_000_000 + i));

const Auth = suite('relay: authentication');

Auth('should stream to a client with a bearer header', async () => {
  const h = await start();
  try {
    const c = connect(h.url, { headers: { Authorization: 'Bearer tok-reader' } });
    await waitFor('live', isLive(c));
    const [e] = batch(1, nowNs());
    await h.publish([e!]);
    await waitFor('live event', () => c.events().length === 1);
    assert.equal(c.events()[0], e);
    assert.equal(h.authCalls, ['tok-reader']);
    c.ws.close();
  } finally {
    await h.stop();
  }
});

Auth('should stream to a client with the session cookie from the own origin', async () => {
  const h = await start();
  try {
    const c = connect(h.url, { headers: { Cookie: 'theme=dark; session=tok-reader', Origin: h.origin } });
    await waitFor('live', isLive(c));
    assert.equal(h.authCalls, ['tok-reader']);
    c.ws.close();
  } finally {
    await h.stop();
  }
});

Auth('should stream to a client that sends an auth message first', async () => {
  const h = await start();
  try {
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    assert.equal(h.authCalls, ['tok-reader']);
    c.ws.close();
  } finally {
    await h.stop();
  }
});

Auth('should close with 4401 on a bad token, by header or message, and send nothing else', async () => {
  const h = await start();
  try {
    for (const c of [connect(h.url, { headers: { Authorization: 'Bearer nope' } }), connect(h.url, { auth: 'nope' })]) {
      const closed = await c.closed;
      assert.equal(closed, { code: CLOSE_CODES.unauthenticated, reason: 'unauthenticated' });
      assert.equal(c.messages.length, 1);
      assert.equal(c.messages[0]!.type, 'error');
      assert.equal(c.messages[0]!.error!.code, 'unauthenticated');
    }
    assert.equal(h.authCalls, ['nope', 'nope']);
  } finally {
    await h.stop();
  }
});

Auth('should close with 4401 on a malformed Authorization header without asking the store', async () => {
  const h = await start();
  try {
    const c = connect(h.url, { headers: { Authorization: 'Basic dTpw' } });
    assert.equal((await c.closed).code, CLOSE_CODES.unauthenticated);
    assert.equal(h.authCalls, []);
  } finally {
    await h.stop();
  }
});

Auth('should close with 4403 when the user lacks events.read', async () => {
  const h = await start();
  try {
    const c = connect(h.url, { headers: { Authorization: 'Bearer tok-other' } });
    assert.equal(await c.closed, { code: CLOSE_CODES.forbidden, reason: 'forbidden' });
    assert.equal(c.messages.map((m) => m.error?.code), ['forbidden']);
  } finally {
    await h.stop();
  }
});

Auth('should refuse the handshake with 403 for a foreign Origin, before any token check', async () => {
  const h = await start();
  try {
    const c = connect(h.url, { headers: { Cookie: 'session=tok-reader', Origin: 'https://evil.example' } });
    assert.is(await c.refused, 403);
    const d = connect(h.url, { headers: { Authorization: 'Bearer tok-reader', Origin: 'http://127.0.0.1:1' } });
    assert.is(await d.refused, 403);
    assert.equal(h.authCalls, []);
    assert.is(h.relay.size, 0);
  } finally {
    await h.stop();
  }
});

Auth('should close with 4401 when no auth message comes in time', async () => {
  const h = await start({ authTimeoutMs: 150 });
  try {
    const t0 = Date.now();
    const c = connect(h.url);
    assert.equal(await c.closed, { code: CLOSE_CODES.unauthenticated, reason: 'unauthenticated' });
    assert.ok(Date.now() - t0 >= 140);
    assert.equal(h.authCalls, []);
  } finally {
    await h.stop();
  }
});

Auth('should end the stream with 4403 once events.read is revoked', async () => {
  const h = await start({ pingIntervalMs: 300 });
  try {
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    h.users.set('tok-reader', { username: 'reader', permissions: [] });
    assert.equal((await c.closed).code, CLOSE_CODES.forbidden);
    assert.ok(h.authCalls.length >= 2, 'permissions are re-read on the ping tick');
  } finally {
    await h.stop();
  }
});

Auth('should end the stream with 4401 once the token stops working', async () => {
  const h = await start({ pingIntervalMs: 300 });
  try {
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    h.users.delete('tok-reader');
    assert.equal((await c.closed).code, CLOSE_CODES.unauthenticated);
  } finally {
    await h.stop();
  }
});

Auth('should close with 4503 when the store cannot check the token', async () => {
  const h = await start({
    authenticate: async () => {
      throw Object.assign(new Error('mongo down'), { code: 'store_unavailable' });
    },
  });
  try {
    const c = connect(h.url, { auth: 'tok-reader' });
    assert.equal(await c.closed, { code: CLOSE_CODES.store_unavailable, reason: 'store_unavailable' });
  } finally {
    await h.stop();
  }
});

Auth('should end the stream with 4503 when a permission re-check hangs for a whole ping interval', async () => {
  let calls = 0;
  const h = await start({
    pingIntervalMs: 300,
    authenticate: (token) => {
      calls++;
      if (calls === 1 && token === 'tok-reader') return Promise.resolve({ username: 'reader', permissions: ['events.read'] });
      return new Promise(() => {});
    },
  });
  try {
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    assert.equal(await c.closed, { code: CLOSE_CODES.store_unavailable, reason: 'store_unavailable' });
    assert.is(calls, 2);
  } finally {
    await h.stop();
  }
});

Auth.run();

const Replay = suite('relay: replay and live');

Replay('should replay stored events oldest first across pages, then live, then live events', async () => {
  const h = await start({ pageSize: 100 });
  try {
    const stored = batch(450);
    // Stored out of order, in several appends.
    await h.history.append(stored.slice(300));
    await h.history.append(stored.slice(0, 300).reverse());
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    const live = batch(5, nowNs(), 1);
    await h.publish(live);
    await waitFor('live events', () => c.events().length === 455);
    const liveAt = c.messages.findIndex((m) => m.type === 'live');
    assert.is(liveAt, 450);
    assert.equal(c.messages.slice(0, 450).map((m) => m.event!.id), stored.map((e) => e.id));
    assert.equal(c.messages.slice(451).map((m) => m.event!.id), live.map((e) => e.id));
    c.ws.close();
  } finally {
    await h.stop();
  }
});

Replay('should replay from ?since= in nanoseconds or RFC 3339, inclusive', async () => {
  const h = await start();
  try {
    const stored = batch(10);
    await h.history.append(stored);
    const c = connect(`${h.url}?since=${stored[4]!.timeNano}`, { auth: 'tok-reader' });
    const d = connect(`${h.url}?since=${encodeURIComponent(stored[4]!.time)}`, { auth: 'tok-reader' });
    await waitFor('live', () => isLive(c)() && isLive(d)());
    assert.equal(c.events().map((e) => e.id), stored.slice(4).map((e) => e.id));
    assert.equal(d.events().map((e) => e.id), stored.slice(4).map((e) => e.id));
    c.ws.close();
    d.ws.close();
  } finally {
    await h.stop();
  }
});

Replay('should start at the previous UTC day by default', async () => {
  const now = 1_764_288_000_000_000_000n + 3_600_000_000_000n; // 2025-11-28T01:00Z
  const h = await start({ now: () => now });
  try {
    const dayStart = 1_764_288_000_000_000_000n - 86_400_000_000_000n; // 2025-11-27T00:00Z
    await h.history.append([testEvent(dayStart - 1n, 1), testEvent(dayStart, 2), testEvent(now, 3)]);
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    assert.equal(c.events().map((e) => e.timeNano), [dayStart.toString(), now.toString()]);
    c.ws.close();
  } finally {
    await h.stop();
  }
});

Replay('should close with 4400 and an error frame on an invalid since', async () => {
  const h = await start();
  try {
    for (const q of ['since=yesterday', 'since=', 'since=1&since=2', 'since=99999999999999999999']) {
      const c = connect(`${h.url}?${q}`, { auth: 'tok-reader' });
      assert.equal(await c.closed, { code: CLOSE_CODES.validation_failed, reason: 'validation_failed' }, q);
      assert.equal(c.messages.map((m) => m.error?.code), ['validation_failed']);
    }
    assert.equal(h.authCalls, []);
  } finally {
    await h.stop();
  }
});

Replay('should not lose live events published during a replay', async () => {
  const h = await start({ pageSize: 50 });
  try {
    const stored = batch(2000);
    await h.history.append(stored);
    const c = connect(h.url, { auth: 'tok-reader' });
    const live: Event[] = [];
    let n = 0;
    while (!isLive(c)()) {
      const e = batch(1, nowNs(), 2 + n++);
      live.push(...e);
      await h.publish(e);
      await new Promise((r) => setImmediate(r));
    }
    const tail = batch(3, nowNs(), 100_000);
    live.push(...tail);
    await h.publish(tail);
    const want = new Set([...stored, ...live].map((e) => e.id));
    await waitFor('every event', () => want.size === new Set(c.events().map((e) => e.id)).size);
    assert.ok(live.length > 3, `events were published during the replay (${live.length})`);
    c.ws.close();
  } finally {
    await h.stop();
  }
});

Replay('should miss nothing when a client reconnects with its last timeNano while events keep flowing', async () => {
  // The history lags 40 ms behind the bus: events published just before a client joins reach the history only
  // after its replay read that range, and the relay's catch-up read (settleMs later) must find them.
  const h = await start({ settleMs: 150 }, 40);
  try {
    const published: Event[] = [];
    const stored: Promise<void>[] = [];
    let producing = true;
    let seq = 0;
    const producer = (async () => {
      while (producing) {
        const events = batch(3, nowNs(), 200 + seq++);
        published.push(...events);
        stored.push(h.publish(events));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const seen = new Set<string>();
    let last: string | undefined;
    for (let round = 0; round < 5; round++) {
      const c = connect(last === undefined ? h.url : `${h.url}?since=${last}`, { auth: 'tok-reader' });
      await waitFor('live', isLive(c));
      const before = c.events().length;
      await waitFor('more live events', () => c.events().length > before + 20);
      c.ws.terminate();
      await c.closed;
      for (const e of c.events()) seen.add(e.id);
      const times = c.events().map((e) => BigInt(e.timeNano));
      last = times.reduce((a, b) => (a > b ? a : b)).toString();
      await new Promise((r) => setTimeout(r, 30)); // events flow while nobody listens
    }
    producing = false;
    await producer;
    await Promise.all(stored);
    const final = connect(`${h.url}?since=${last}`, { auth: 'tok-reader' });
    await waitFor('live', isLive(final));
    for (const e of final.events()) seen.add(e.id);
    const lost = published.filter((e) => !seen.has(e.id));
    assert.is(lost.length, 0, `lost ${lost.length} of ${published.length}`);
    final.ws.close();
  } finally {
    await h.stop();
  }
});

Replay('should hold one bus subscription for all its clients and end it on close()', async () => {
  const h = await start();
  const subscribed: string[] = [];
  const bus = {
    publish: h.bus.publish,
    async subscribe(onEvent: (e: Event) => void) {
      subscribed.push('subscribe');
      const sub = await h.bus.subscribe(onEvent);
      return { close: async () => (subscribed.push('close'), sub.close()) };
    },
  };
  const relay = createRelay({ bus, history: h.history, authenticate: async () => ({ username: 'u', permissions: ['events.read'] }), tokenFromCookie: () => undefined, isAllowedOrigin: () => true, settleMs: 0 });
  const server = createServer();
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    const clients = [connect(url, { auth: 't' }), connect(url, { auth: 't' }), connect(url, { auth: 't' })];
    await waitFor('live', () => clients.every((c) => isLive(c)()));
    const [e] = batch(1, nowNs(), 7);
    await h.publish([e!]);
    await waitFor('fan-out', () => clients.every((c) => c.events().length === 1));
    assert.equal(subscribed, ['subscribe']);
    await relay.close();
    assert.equal(subscribed, ['subscribe', 'close']);
  } finally {
    await relay.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await h.stop();
  }
});

Replay.run();

const Slow = suite('relay: slow clients and hostile input');

Slow('should terminate a client that stops reading while a fast client keeps receiving', async () => {
  // Pings stay out of it (a loaded machine can delay a pong): the bound on buffered bytes alone must trip.
  const h = await start({ pingIntervalMs: 60_000, maxBufferedBytes: 256 * 1024 });
  try {
    const slow = connect(h.url, { auth: 'tok-reader' });
    const fast = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', () => isLive(slow)() && isLive(fast)());
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let sent = 0;
    const t0 = Date.now();
    // ~600 B per event: the slow client's socket buffers fill, then the relay's bound trips.
    while (h.relay.size > 1 && Date.now() - t0 < 10_000) {
      const events = batch(200, nowNs(), 300 + sent);
      sent += events.length;
      await h.publish(events);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.is(h.relay.size, 1, 'the slow client was terminated');
    await waitFor('fast client has everything', () => fast.events().length === sent);
    assert.ok(sent >= 1000, `published ${sent}`);
    assert.ok(fast.ws.readyState === WebSocket.OPEN);
    fast.ws.close();
  } finally {
    await h.stop();
  }
});

Slow('should terminate a client that stops answering pings during a replay', async () => {
  const h = await start({ pingIntervalMs: 150, pageSize: 500 });
  try {
    await h.history.append(batch(20_000));
    const slow = connect(h.url, { auth: 'tok-reader' });
    await new Promise<void>((r) => slow.ws.once('message', () => r()));
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor('terminated', () => h.relay.size === 0, 5_000);
    assert.ok(slow.messages.length < 20_000);
  } finally {
    await h.stop();
  }
});

Slow('should close on hostile messages with a policy code and keep serving', async () => {
  const h = await start({ maxPayload: 1024 });
  try {
    const cases: Array<[string, (ws: WebSocket) => void, number]> = [
      ['binary', (ws) => ws.send(Buffer.from([1, 2, 3])), 1008],
      ['not JSON', (ws) => ws.send('{"type":'), 1008],
      ['JSON null', (ws) => ws.send('null'), 1008],
      ['unknown type', (ws) => ws.send('{"type":"subscribe"}'), 1008],
      ['token not a string', (ws) => ws.send('{"type":"auth","token":{"$ne":null}}'), 1008],
      ['too big', (ws) => ws.send(JSON.stringify({ type: 'auth', token: 'x'.repeat(4096) })), 1009],
      ['prototype pollution', (ws) => ws.send('{"type":"auth","__proto__":{"token":"tok-reader"}}'), 1008],
    ];
    for (const [name, send, code] of cases) {
      const c = connect(h.url);
      await new Promise((r) => c.ws.once('open', r));
      send(c.ws);
      assert.is((await c.closed).code, code, name);
    }
    // After authenticating, anything but another auth message is refused too.
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    c.ws.send('{"type":"ping"}');
    assert.is((await c.closed).code, 1008);
    assert.equal(h.authCalls, ['tok-reader']);
    const ok = connect(h.url, { headers: { Authorization: 'Bearer tok-reader' } });
    await waitFor('live', isLive(ok));
    ok.ws.close();
  } finally {
    await h.stop();
  }
});

Slow('should refuse other paths with 404 and close clients with 1001 on close()', async () => {
  const h = await start();
  try {
    const other = connect(h.url.replace('/events', '/elsewhere'), { auth: 'tok-reader' });
    assert.is(await other.refused, 404);
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    await h.relay.close();
    assert.is((await c.closed).code, 1001);
    const late = connect(h.url, { auth: 'tok-reader' });
    assert.is(await late.refused, 503);
  } finally {
    await h.stop();
  }
});

Slow.run();

const Limits = suite('relay: limits and pushed revocation');

/** The close, or undefined if the socket is still open after `ms` (so a test fails instead of hanging). */
const closedWithin = (c: Client, ms = 2_000) =>
  Promise.race([c.closed, new Promise<undefined>((r) => setTimeout(r, ms))]);

Limits('should close a user\'s streams at once when the user store reports a change, without waiting for the tick', async () => {
  const listeners = new Set<(u: string | null) => void>();
  const userChanges = { subscribe: (l: (u: string | null) => void) => (listeners.add(l), () => void listeners.delete(l)) };
  const h = await start({ userChanges }); // the default 30 s ping tick: only the push can close it in time
  try {
    h.users.set('tok-reader2', { username: 'reader2', permissions: ['events.read'] });
    const c = connect(h.url, { auth: 'tok-reader' });
    const other = connect(h.url, { auth: 'tok-reader2' });
    await waitFor('live', () => isLive(c)() && isLive(other)());
    h.users.set('tok-reader', { username: 'reader', permissions: [] });
    const t0 = Date.now();
    for (const l of listeners) l('reader');
    const closed = await closedWithin(c);
    assert.is(closed?.code, CLOSE_CODES.forbidden, 'still open 2 s after the change');
    assert.ok(Date.now() - t0 < 1000, `closed after ${Date.now() - t0} ms`);
    assert.is(other.ws.readyState, WebSocket.OPEN, 'another user keeps the stream');
    await h.relay.close();
    assert.is(listeners.size, 0, 'close() unsubscribes');
  } finally {
    await h.stop();
  }
});

Limits('should close a user\'s stream beyond maxConnectionsPerUser with 4429 and keep the others', async () => {
  const h = await start({ maxConnectionsPerUser: 2 });
  try {
    const first = [connect(h.url, { auth: 'tok-reader' }), connect(h.url, { auth: 'tok-reader' })];
    await waitFor('live', () => first.every((c) => isLive(c)()));
    const third = connect(h.url, { auth: 'tok-reader' });
    const closed = await closedWithin(third);
    assert.equal(closed, { code: 4429, reason: 'rate_limited' });
    assert.equal(third.messages.map((m) => m.error?.code), ['rate_limited']);
    assert.ok(first.every((c) => c.ws.readyState === WebSocket.OPEN));
    first[0]!.ws.close();
    await first[0]!.closed;
    await waitFor('the relay forgot the closed stream', () => h.relay.size === 1);
    const again = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(again));
  } finally {
    await h.stop();
  }
});

Limits('should close a connection beyond maxConnections with 4429, even before it authenticates', async () => {
  const h = await start({ maxConnections: 2 });
  try {
    const idle = connect(h.url); // no token yet: it counts
    const reader = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(reader));
    const extra = connect(h.url, { auth: 'tok-reader' });
    assert.equal(await closedWithin(extra), { code: 4429, reason: 'rate_limited' });
    assert.is(h.relay.size, 2);
    idle.ws.close();
    await idle.closed;
    await waitFor('room again', () => h.relay.size === 1);
    const next = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(next));
  } finally {
    await h.stop();
  }
});

Limits('should bound what one replay sends and tell the client to page the rest with list-events', async () => {
  const h = await start({ maxReplayEvents: 50, pageSize: 20 });
  try {
    const stored = batch(120);
    await h.publish(stored);
    await waitFor('stored', async () => (await h.history.range({ since: 0n, limit: 200 })).events.length === 120);
    const c = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', isLive(c));
    assert.equal(c.events().map((e) => e.id), stored.slice(0, 50).map((e) => e.id));
    const truncated = c.messages.find((m) => m.type === 'truncated') as unknown as { since: string; until: string; sent: number };
    assert.is(truncated.since, stored[50]!.timeNano);
    assert.is(truncated.sent, 50);
    const rest = await h.history.range({ since: BigInt(truncated.since), until: BigInt(truncated.until), limit: 200 });
    assert.equal(rest.events.map((e) => e.id), stored.slice(50).map((e) => e.id), 'the span named holds exactly what was not sent');
  } finally {
    await h.stop();
  }
});

Limits.run();

const Scoped = suite('relay: scoped events.read');

Scoped('should send a stack-scoped connection only the events about its stack, replayed and live, while an unscoped one gets all', async () => {
  const services = [...SCOPED_SERVICES];
  let reads = 0;
  const h = await start({ services: { read: async () => (reads++, { services }) } });
  try {
    const old = scopedEvents(nowNs() - 60_000n * NS_PER_MS);
    await h.history.append(Object.values(old));
    const shop = connect(h.url, { auth: 'tok-shop' });
    const all = connect(h.url, { auth: 'tok-reader' });
    await waitFor('live', () => isLive(shop)() && isLive(all)());
    assert.equal(shop.events().map((e) => e.id), [old.shopService!.id, old.shopContainer!.id, old.shopStackAudit!.id]);
    assert.is(all.events().length, Object.keys(old).length);
    const live = scopedEvents(nowNs());
    await h.publish(Object.values(live));
    await waitFor('live events', () => all.events().length === 2 * Object.keys(old).length);
    // The unscoped client got the last event, and the bus delivers in order: anything for shop has arrived too.
    assert.equal(shop.events().slice(3).map((e) => e.id), [live.shopService!.id, live.shopContainer!.id, live.shopStackAudit!.id]);
    assert.ok(reads >= 1, 'the directory was read for the scoped client');
    shop.ws.close();
    all.ws.close();
  } finally {
    await h.stop();
  }
});

Scoped('should apply a changed scope to a running stream at the next permission re-read', async () => {
  const h = await start({ services: { read: async () => ({ services: SCOPED_SERVICES }) }, pingIntervalMs: 100 });
  try {
    const shop = connect(h.url, { auth: 'tok-shop' });
    await waitFor('live', isLive(shop));
    h.users.set('tok-shop', { username: 'shop', permissions: ['events.read:stack=bank'] });
    await new Promise((r) => setTimeout(r, 350));
    const live = scopedEvents(nowNs());
    await h.publish(Object.values(live));
    await waitFor('bank events', () => shop.events().length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    const name = (id: string) => Object.entries(live).find(([, e]) => e.id === id)?.[0];
    assert.equal(shop.events().map((e) => name(e.id)), ['bankService', 'bankContainer', 'bankAudit']);
    shop.ws.close();
  } finally {
    await h.stop();
  }
});

Scoped.run();
