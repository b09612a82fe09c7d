/**
 * The relay: `GET /events` as a WebSocket (docs/api.md, "Relay"). It authenticates a client, replays the stored
 * events from `since`, sends `{"type":"live"}`, then forwards live events from the bus.
 *
 * One relay holds one bus subscription, opened at construction, and fans every live event out to its clients,
 * serialized once. A client joins the fan-out before its replay starts, and live events wait in its own bounded
 * buffer until the replay ends, so nothing falls between the replay and the live stream.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { ErrorCode } from '../lib/errors.ts';
import type { Event } from '../lib/events/event.ts';
import type { EventBus, Subscription } from '../lib/events/event-bus.ts';
import type { EventHistory, EventPage } from '../lib/events/event-history.ts';
import { parseTimeBound } from '../lib/events/docker-event.ts';

export interface Principal {
  username: string;
  permissions: string[];
}

export interface RelayDeps {
  bus: EventBus;
  history: EventHistory;
  /** Resolves the token's user; throws an error with `code` 'unauthenticated' or 'store_unavailable'. */
  authenticate(token: string): Promise<Principal>;
  /** The session token carried by the `Cookie` header, if any. */
  tokenFromCookie(cookieHeader: string | undefined): string | undefined;
  /** Called only when the handshake carries an `Origin` header; false refuses the handshake with 403. */
  isAllowedOrigin(origin: string | undefined, req: IncomingMessage): boolean;
  /** Nanoseconds since the epoch; the default `since` is the start of the previous UTC day. */
  now?(): bigint;
  /** Ping period; a client that has not answered the previous ping is terminated. Permissions are re-read
   *  on the same tick. Default 30 000. */
  pingIntervalMs?: number;
  /** A client with more unsent bytes than this (live, or buffered during its replay) is terminated.
   *  Default 4 MiB. */
  maxBufferedBytes?: number;
  /** Time allowed for the first message `{"type":"auth"}` (or a slow store). Default 5000. */
  authTimeoutMs?: number;
  /** Largest message a client may send. Default 16 KiB. */
  maxPayload?: number;
  /** Events per history page during a replay. Default 1000. */
  pageSize?: number;
  /** Replay waits for the socket to drain whenever more than this is queued. Default 1 MiB. */
  replayHighWaterBytes?: number;
  /** After the replay, events from this far before the client joined are read once more, so an event the
   *  history stored late (bus → history lag) is not lost. Default 5000. */
  catchUpWindowMs?: number;
  /** The catch-up read waits until this long after the client joined, for the history writer to catch up.
   *  Default 250. */
  settleMs?: number;
  /** The WebSocket path. Default '/events'. */
  path?: string;
  /** Diagnostics (relay failures, never tokens). Default: none. */
  log?(message: string, fields?: Record<string, unknown>): void;
}

export interface Relay {
  /** For a node HTTP server's `upgrade` event. Answers 404 for another path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every client with 1001, ends the bus subscription and refuses new handshakes with 503. */
  close(): Promise<void>;
  /** Open WebSocket connections, for tests and metrics. */
  readonly size: number;
}

/** Close codes: 4000 + the HTTP status of the error code, 1008 for a message the relay does not accept. */
export const CLOSE_CODES = {
  validation_failed: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  store_unavailable: 4503,
  protocol: 1008,
  going_away: 1001,
} as const;

const NS_PER_DAY = 86_400_000_000_000n;
const NS_PER_MS = 1_000_000n;

type RelayCode = 'validation_failed' | 'unauthenticated' | 'forbidden' | 'store_unavailable';
type State = 'authenticating' | 'replaying' | 'live' | 'closed';

interface Client {
  ws: WebSocket;
  state: State;
  since: bigint;
  token?: string;
  username?: string;
  authInFlight: boolean;
  alive: boolean;
  rechecking: boolean;
  /** Live events that arrived during the replay. */
  pending: { id: string; data: string }[];
  pendingBytes: number;
  authTimer?: NodeJS.Timeout;
}

const defaultNow = (): bigint => BigInt(Date.now()) * NS_PER_MS;

/** Start of the previous UTC day, in nanoseconds. */
export const defaultSince = (nowNs: bigint): bigint => (nowNs / NS_PER_DAY) * NS_PER_DAY - NS_PER_DAY;

const positive = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`createRelay: ${name} must be a positive number`);
  return value;
};

const errorCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;

const bearerToken = (header: string | undefined): string | undefined | null => {
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+([!-~]+)[ ]*$/i.exec(header);
  return m ? m[1]! : null;
};

const rejectHandshake = (socket: Duplex, status: number, reason: string, code: ErrorCode, message: string): void => {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
};

/** Builds a relay. Dependencies are checked here, so a miswired process fails at boot. */
export function createRelay(deps: RelayDeps): Relay {
  for (const name of ['authenticate', 'tokenFromCookie', 'isAllowedOrigin'] as const) {
    if (typeof deps[name] !== 'function') throw new TypeError(`createRelay: deps.${name} must be a function`);
  }
  if (typeof deps.bus?.subscribe !== 'function') throw new TypeError('createRelay: deps.bus must be an EventBus');
  if (typeof deps.history?.range !== 'function') throw new TypeError('createRelay: deps.history must be an EventHistory');
  if (deps.now !== undefined && typeof deps.now !== 'function') throw new TypeError('createRelay: deps.now must be a function');
  const { bus, history, authenticate, tokenFromCookie, isAllowedOrigin } = deps;
  const now = deps.now ?? defaultNow;
  const pingIntervalMs = positive('pingIntervalMs', deps.pingIntervalMs, 30_000);
  const maxBufferedBytes = positive('maxBufferedBytes', deps.maxBufferedBytes, 4 * 1024 * 1024);
  const authTimeoutMs = positive('authTimeoutMs', deps.authTimeoutMs, 5_000);
  const maxPayload = positive('maxPayload', deps.maxPayload, 16 * 1024);
  const pageSize = positive('pageSize', deps.pageSize, 1_000);
  const replayHighWater = positive('replayHighWaterBytes', deps.replayHighWaterBytes, 1024 * 1024);
  const catchUpWindowNs = BigInt(Math.round(positive('catchUpWindowMs', deps.catchUpWindowMs, 5_000))) * NS_PER_MS;
  const settleMs = deps.settleMs ?? 250;
  if (!Number.isFinite(settleMs) || settleMs < 0) throw new TypeError('createRelay: settleMs must be ≥ 0');
  const path = deps.path ?? '/events';
  const log = deps.log ?? (() => {});

  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
  const clients = new Set<Client>();
  /** Clients in the fan-out: replaying (buffering) or live. */
  const streaming = new Set<Client>();
  let closing = false;
  let subscription: Promise<Subscription> | undefined;

  const onBusEvent = (event: Event): void => {
    if (streaming.size === 0) return;
    let data: string;
    try {
      data = JSON.stringify({ type: 'event', event });
    } catch (e) {
      log('relay: unserializable event dropped', { error: String(e) });
      return;
    }
    const bytes = Buffer.byteLength(data);
    for (const c of streaming) {
      if (c.state === 'live') sendLive(c, data);
      else if (c.state === 'replaying') {
        c.pending.push({ id: event.id, data });
        c.pendingBytes += bytes;
        if (c.pendingBytes > maxBufferedBytes) drop(c, 'live events overflowed during replay');
      }
    }
  };

  const ensureSubscribed = (): Promise<Subscription> => {
    subscription ??= bus.subscribe(onBusEvent).catch((e: unknown) => {
      subscription = undefined;
      throw e;
    });
    return subscription;
  };

  const sendLive = (c: Client, data: string): void => {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > maxBufferedBytes) {
      drop(c, 'client stopped reading');
      return;
    }
    c.ws.send(data);
  };

  /** Terminates a client that does not keep up: no close handshake, since it would queue behind the backlog. */
  const drop = (c: Client, why: string): void => {
    if (c.state === 'closed') return;
    log('relay: client terminated', { reason: why, user: c.username });
    finish(c);
    c.ws.terminate();
  };

  const fail = (c: Client, code: RelayCode | 'protocol', message: string): void => {
    if (c.state === 'closed') return;
    finish(c);
    const errCode: ErrorCode = code === 'protocol' ? 'validation_failed' : code;
    if (c.ws.readyState === WebSocket.OPEN) {
      c.ws.send(JSON.stringify({ type: 'error', error: { code: errCode, message } }));
      c.ws.close(CLOSE_CODES[code], errCode);
    } else {
      c.ws.terminate();
    }
  };

  const finish = (c: Client): void => {
    c.state = 'closed';
    clearTimeout(c.authTimer);
    c.pending = [];
    streaming.delete(c);
  };

  const hasEventsRead = (p: Principal): boolean => Array.isArray(p?.permissions) && p.permissions.includes('events.read');

  const authFailure = (c: Client, e: unknown): void => {
    const code = errorCode(e);
    if (code === 'unauthenticated' || code === 'invalid_credentials') fail(c, 'unauthenticated', 'Invalid or expired token');
    else {
      if (code !== 'store_unavailable') log('relay: authenticate failed', { error: String(e) });
      fail(c, 'store_unavailable', 'Cannot check the token now; retry later');
    }
  };

  const authorize = async (c: Client, token: string): Promise<void> => {
    c.authInFlight = true;
    let principal: Principal;
    try {
      principal = await authenticate(token);
    } catch (e) {
      authFailure(c, e);
      return;
    } finally {
      c.authInFlight = false;
    }
    if (c.state === 'closed') return;
    if (!hasEventsRead(principal)) {
      fail(c, 'forbidden', 'events.read is required');
      return;
    }
    c.token = token;
    c.username = principal.username;
    if (c.state === 'authenticating') {
      clearTimeout(c.authTimer);
      await stream(c);
    }
  };

  const recheck = async (c: Client): Promise<void> => {
    if (c.rechecking || c.token === undefined) return;
    c.rechecking = true;
    try {
      const principal = await authenticate(c.token);
      if (!hasEventsRead(principal)) fail(c, 'forbidden', 'events.read was revoked');
    } catch (e) {
      authFailure(c, e);
    } finally {
      c.rechecking = false;
    }
  };

  /** Resolves once `flushed` (the callback of the page's last send) fired or the socket closed. */
  const drained = (c: Client, flushed: Promise<void>): Promise<void> =>
    new Promise<void>((resolve) => {
      if (c.ws.readyState !== WebSocket.OPEN) return resolve();
      const done = () => {
        c.ws.off('close', done);
        resolve();
      };
      c.ws.once('close', done);
      void flushed.then(done);
    });

  const stream = async (c: Client): Promise<void> => {
    c.state = 'replaying';
    c.pending = [];
    c.pendingBytes = 0;
    streaming.add(c);
    const joinedMs = Date.now();
    const joinedNs = now();
    try {
      await ensureSubscribed();
    } catch (e) {
      log('relay: bus subscription failed', { error: String(e) });
      fail(c, 'store_unavailable', 'The event bus is unavailable; retry later');
      return;
    }
    const tailSince = c.since > joinedNs - catchUpWindowNs ? c.since : joinedNs - catchUpWindowNs;
    const recent = new Set<string>();
    const sendPage = async (events: Event[], skip?: Set<string>): Promise<boolean> => {
      let flushed: Promise<void> | undefined;
      for (let i = 0; i < events.length; i++) {
        if (c.state !== 'replaying') return false;
        const event = events[i]!;
        if (skip?.has(event.id)) continue;
        if (BigInt(event.timeNano) >= tailSince) recent.add(event.id);
        const data = `{"type":"event","event":${JSON.stringify(event)}}`;
        // The callback of a send fires once its frame has left the socket's buffer; frames leave in order.
        if (i === events.length - 1) flushed = new Promise((r) => c.ws.send(data, () => r()));
        else c.ws.send(data);
      }
      if (flushed && c.ws.bufferedAmount > replayHighWater) await drained(c, flushed);
      return c.state === 'replaying';
    };
    const readFrom = async (since: bigint, skip?: Set<string>): Promise<boolean> => {
      const read = (cursor?: string) => {
        const page = history.range(cursor === undefined ? { since, limit: pageSize } : { since, limit: pageSize, cursor });
        page.catch(() => {}); // awaited below; this only keeps an abandoned prefetch from being unhandled
        return page;
      };
      let next: Promise<EventPage> | undefined = read();
      while (next) {
        const page: EventPage = await next;
        // The next page is read while this one is sent (a round trip saved per page on a remote history).
        next = page.next === undefined ? undefined : read(page.next);
        if (!(await sendPage(page.events, skip))) return false;
      }
      return true;
    };
    try {
      if (!(await readFrom(c.since))) return;
      const wait = joinedMs + settleMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (c.state !== 'replaying') return;
      if (!(await readFrom(tailSince, new Set(recent)))) return;
    } catch (e) {
      if ((c.state as State) === 'closed') return;
      log('relay: history read failed', { error: String(e) });
      fail(c, 'store_unavailable', 'The event history is unavailable; retry later');
      return;
    }
    if (c.state !== 'replaying') return;
    // Synchronous from here: the live mark, then the buffered live events, then the fan-out sends directly.
    c.ws.send('{"type":"live"}');
    const pending = c.pending;
    c.pending = [];
    c.pendingBytes = 0;
    c.state = 'live';
    for (const p of pending) if (!recent.has(p.id)) c.ws.send(p.data);
  };

  const onMessage = (c: Client, data: RawData, isBinary: boolean): void => {
    if (c.state === 'closed') return;
    if (isBinary) return fail(c, 'protocol', 'Only text messages are accepted');
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return fail(c, 'protocol', 'Messages must be JSON');
    }
    const m = message as { type?: unknown; token?: unknown };
    if (typeof message !== 'object' || message === null || m.type !== 'auth') {
      return fail(c, 'protocol', 'The only message a client may send is {"type":"auth","token":"…"}');
    }
    if (typeof m.token !== 'string' || m.token.length === 0) return fail(c, 'protocol', 'auth needs a token string');
    if (c.authInFlight) return fail(c, 'protocol', 'One auth message at a time');
    // A later auth message swaps the token that the periodic re-check uses (a refreshed token keeps the stream).
    void authorize(c, m.token).catch((e: unknown) => {
      log('relay: stream failed', { error: String(e) });
      fail(c, 'store_unavailable', 'Internal relay error');
    });
  };

  // Subscribed at once, so the first client does not wait for a consumer to join (Kafka); a failure here is
  // retried when a client comes.
  ensureSubscribed().catch((e: unknown) => log('relay: bus subscription failed', { error: String(e) }));

  const tick = setInterval(() => {
    for (const c of clients) {
      if (c.state === 'closed' || c.state === 'authenticating') continue;
      if (!c.alive || c.ws.bufferedAmount > maxBufferedBytes) {
        drop(c, c.alive ? 'client stopped reading' : 'missed pong');
        continue;
      }
      if (c.rechecking) {
        // The previous re-check has not answered for a whole interval: fail closed rather than stream unchecked.
        fail(c, 'store_unavailable', 'Cannot re-check permissions now; retry later');
        continue;
      }
      c.alive = false;
      c.ws.ping();
      void recheck(c);
    }
  }, pingIntervalMs);
  tick.unref();

  const onConnection = (ws: WebSocket, since: bigint | Error, handshakeToken: string | undefined | null) => {
    const c: Client = { ws, state: 'authenticating', since: 0n, authInFlight: false, alive: true, rechecking: false, pending: [], pendingBytes: 0 };
    clients.add(c);
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('error', (e) => {
      // ws closes with 1009 on an oversized message and 1002/1007 on bad frames; it reports them here.
      log('relay: socket error', { error: e.message });
      finish(c);
    });
    ws.on('close', () => {
      finish(c);
      clients.delete(c);
    });
    ws.on('message', (data, isBinary) => onMessage(c, data, isBinary));
    if (since instanceof Error) return fail(c, 'validation_failed', since.message);
    c.since = since;
    if (handshakeToken === null) return fail(c, 'unauthenticated', 'Malformed Authorization header');
    c.authTimer = setTimeout(() => {
      if (c.state !== 'authenticating') return;
      if (c.authInFlight) fail(c, 'store_unavailable', 'Authentication timed out; retry later');
      else fail(c, 'unauthenticated', `No {"type":"auth"} message within ${authTimeoutMs} ms`);
    }, authTimeoutMs);
    if (handshakeToken !== undefined) {
      void authorize(c, handshakeToken).catch((e: unknown) => {
        log('relay: stream failed', { error: String(e) });
        fail(c, 'store_unavailable', 'Internal relay error');
      });
    }
  };

  return {
    get size() {
      return clients.size;
    },

    handleUpgrade(req, socket, head) {
      socket.on('error', () => {});
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://relay.invalid');
      } catch {
        return rejectHandshake(socket, 400, 'Bad Request', 'validation_failed', 'Malformed request target');
      }
      if (url.pathname !== path) return rejectHandshake(socket, 404, 'Not Found', 'not_found', 'No such path');
      if (closing) return rejectHandshake(socket, 503, 'Service Unavailable', 'store_unavailable', 'The relay is shutting down');
      const origin = req.headers.origin;
      let allowed: boolean;
      try {
        allowed = origin === undefined || isAllowedOrigin(origin, req) === true;
      } catch {
        allowed = false;
      }
      // NOTE: cross-site WebSocket hijacking (OWASP ASVS 5.0 4.4.2): a browser sends the cookie with any page's
      // handshake, so a foreign Origin is refused whatever the credential. Clients without a browser send no Origin.
      if (!allowed) return rejectHandshake(socket, 403, 'Forbidden', 'forbidden', 'Origin not allowed');

      const sinceValues = url.searchParams.getAll('since');
      let since: bigint | Error;
      if (sinceValues.length === 0) since = defaultSince(now());
      else if (sinceValues.length > 1) since = new Error('since: give it once');
      else {
        try {
          since = parseTimeBound(sinceValues[0]!);
        } catch {
          since = new Error('since: expected RFC 3339 or a decimal nanosecond count');
        }
      }
      let token = bearerToken(req.headers.authorization);
      if (token === undefined) {
        try {
          token = tokenFromCookie(req.headers.cookie);
        } catch {
          token = null;
        }
        if (token === '') token = undefined;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, since, token));
    },

    async close() {
      if (closing) return;
      closing = true;
      clearInterval(tick);
      const open = [...clients];
      for (const c of open) {
        finish(c);
        if (c.ws.readyState === WebSocket.OPEN) c.ws.close(CLOSE_CODES.going_away, 'going_away');
        else c.ws.terminate();
      }
      await Promise.race([
        Promise.all(open.map((c) => (c.ws.readyState === WebSocket.CLOSED ? null : new Promise((r) => c.ws.once('close', r))))),
        new Promise((r) => setTimeout(r, 2_000).unref()),
      ]);
      for (const c of clients) c.ws.terminate();
      const sub = subscription;
      subscription = undefined;
      if (sub) await sub.then((s) => s.close()).catch(() => {});
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
