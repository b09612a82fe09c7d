import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket, WebSocketServer } from 'ws';
import type { Event } from './types.ts';
import { createLive, sameOriginEventsUrl, type LiveState, type SocketLike } from './live.ts';

const ev = (id: string, n: number): Event => ({
  id,
  time: new Date(n).toISOString(),
  timeNano: `${n}000000`,
  type: 'service',
  action: 'update',
  actor: { id: 'svc', attributes: {} },
  scope: 'swarm',
});

/** A real relay stand-in: records each connection's URL and lets the test script what it sends. */
const relay = async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const urls: string[] = [];
  const sockets: WebSocket[] = [];
  const waiters: ((s: WebSocket) => void)[] = [];
  wss.on('connection', (socket, req) => {
    urls.push(req.url!);
    sockets.push(socket);
    waiters.shift()?.(socket);
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/events`,
    urls,
    next: () => new Promise<WebSocket>((r) => waiters.push(r)),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate();
        wss.close(() => r());
      }),
  };
};

const send = (s: WebSocket, m: unknown) => s.send(JSON.stringify(m));
const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const createSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

const live = suite('live module');

live('should deliver replay then live events once each, and mark replay', async () => {
  const r = await relay();
  const l = createLive({ url: r.url, createSocket });
  const got: [string, boolean][] = [];
  const states: string[] = [];
  l.subscribe((e, meta) => got.push([e.id, meta.replay]));
  l.onStatus((s) => states.push(s.status));
  const first = r.next();
  l.start();
  const s = await first;
  send(s, { type: 'event', event: ev('a', 1) });
  send(s, { type: 'event', event: ev('b', 2) });
  send(s, { type: 'live' });
  send(s, { type: 'event', event: ev('b', 2) });
  send(s, { type: 'event', event: ev('c', 3) });
  send(s, 'not json');
  await until(() => got.length === 3);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(got, [['a', true], ['b', true], ['c', false]]);
  assert.equal(states.slice(0, 4), ['idle', 'connecting', 'replaying', 'live']);
  assert.is(r.urls[0], '/events');
  l.stop();
  await r.close();
});

live('should reconnect with the last timeNano as since, and drop what it already saw', async () => {
  const r = await relay();
  const l = createLive({ url: r.url, createSocket, initialBackoffMs: 20, random: () => 0.5 });
  const got: string[] = [];
  l.subscribe((e) => got.push(e.id));
  const first = r.next();
  l.start();
  const s1 = await first;
  send(s1, { type: 'event', event: ev('a', 5) });
  send(s1, { type: 'event', event: ev('b', 7) });
  send(s1, { type: 'live' });
  await until(() => got.length === 2);
  const second = r.next();
  s1.terminate();
  const s2 = await second;
  assert.is(r.urls[1], '/events?since=7000000');
  send(s2, { type: 'event', event: ev('b', 7) });
  send(s2, { type: 'event', event: ev('c', 8) });
  send(s2, { type: 'live' });
  await until(() => got.length === 3);
  assert.equal(got, ['a', 'b', 'c']);
  assert.is(l.state.cursor, '8000000');
  l.stop();
  await r.close();
});

live('should back off exponentially with jitter while the relay is down, and stop cleanly', async () => {
  const delays: number[] = [];
  const pending: (() => void)[] = [];
  const states: LiveState[] = [];
  const l = createLive({
    url: 'ws://127.0.0.1:1/events',
    initialBackoffMs: 100,
    maxBackoffMs: 1000,
    random: () => 1,
    now: () => 0,
    setTimer: (fn, ms) => {
      delays.push(ms);
      pending.push(fn);
      return pending.length;
    },
    clearTimer: () => {},
    createSocket: () => {
      const s: SocketLike = { onopen: null, onmessage: null, onclose: null, onerror: null, close() {} };
      queueMicrotask(() => s.onclose?.({ code: 1006 }));
      return s;
    },
  });
  l.onStatus((s) => states.push(s));
  l.start();
  for (let i = 0; i < 6; i++) {
    await new Promise((res) => setTimeout(res, 0));
    pending.shift()?.();
  }
  await new Promise((res) => setTimeout(res, 0));
  assert.equal(delays.slice(0, 6), [100, 200, 400, 800, 1000, 1000]);
  assert.is(states.filter((s) => s.status === 'offline')[0]!.retryAt, 100);
  l.stop();
  assert.is(l.state.status, 'idle');
});

live('should halve the delay at worst (jitter floor)', () => {
  const delays: number[] = [];
  const l = createLive({
    url: 'ws://x/events',
    initialBackoffMs: 1000,
    random: () => 0,
    setTimer: (_fn, ms) => void delays.push(ms),
    createSocket: () => {
      throw new Error('refused');
    },
  });
  l.start();
  assert.equal(delays, [500]);
  l.stop();
});

live('should refuse a non-WebSocket URL and build the same-origin one', () => {
  assert.throws(() => createLive({ url: 'http://x/events' }), /ws:/);
  assert.is(sameOriginEventsUrl({ protocol: 'https:', host: 'dash.example:8443' }), 'wss://dash.example:8443/events');
  assert.is(sameOriginEventsUrl({ protocol: 'http:', host: '127.0.0.1:8080' }), 'ws://127.0.0.1:8080/events');
});
live('should stop reconnecting after a 4401 close and say the session is gone', async () => {
  const r = await relay();
  const l = createLive({ url: r.url, createSocket, initialBackoffMs: 20, random: () => 0.5 });
  const states: LiveState[] = [];
  l.onStatus((s) => states.push(s));
  const first = r.next();
  l.start();
  const s = await first;
  s.close(4401, 'unauthenticated');
  await until(() => l.state.status === 'closed');
  await new Promise((res) => setTimeout(res, 200));
  assert.is(r.urls.length, 1);
  assert.is(l.state.closed, 'unauthenticated');
  assert.not.ok(states.some((x) => x.status === 'offline'));
  l.stop();
  assert.is(l.state.status, 'idle');
  assert.is(l.state.closed, undefined);
  await r.close();
});

live('should stop reconnecting after a 4403 close, and stay closed on start() until stopped', async () => {
  const r = await relay();
  const l = createLive({ url: r.url, createSocket, initialBackoffMs: 20, random: () => 0.5 });
  const first = r.next();
  l.start();
  const s = await first;
  s.close(4403, 'forbidden');
  await until(() => l.state.status === 'closed');
  assert.is(l.state.closed, 'forbidden');
  l.start();
  l.retryNow();
  await new Promise((res) => setTimeout(res, 200));
  assert.is(r.urls.length, 1);
  // Once the session drops events.read (stop) and regains it (start), the module connects again.
  l.stop();
  const again = r.next();
  l.start();
  await again;
  assert.is(r.urls.length, 2);
  l.stop();
  await r.close();
});

live('should keep reconnecting after other close codes (1006, 4503)', async () => {
  const r = await relay();
  const l = createLive({ url: r.url, createSocket, initialBackoffMs: 20, random: () => 0.5 });
  const first = r.next();
  l.start();
  const s1 = await first;
  const second = r.next();
  s1.close(4503, 'store unavailable');
  await second;
  assert.is(r.urls.length, 2);
  l.stop();
  await r.close();
});
live.run();
