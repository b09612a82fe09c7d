/**
 * The relay: `GET /events` as a WebSocket (docs/api.md, "Relay"). It authenticates a client, replays the stored
 * events from `since`, sends `{"type":"live"}`, then forwards live events from the bus.
 *
 * One relay holds one bus subscription, opened at construction, and fans every live event out to its clients,
 * serialized once. A client joins the fan-out before its replay starts, and live events wait in its own bounded
 * buffer until the replay ends, so nothing falls between the replay and the live stream.
 *
 * This file checks the dependencies and wires the parts, each with its own tests, so a change to one concern
 * (limits, a pushed revocation, per-client filters) lands in one part:
 *   upgrade.ts      the HTTP handshake: path, Origin, `?since=`, where the token comes from
 *   auth.ts         the token from the handshake or the first message, within the auth timeout
 *   fanout.ts       the one bus subscription and the live stream to every client
 *   replay.ts       the stored events from `since`, paged, and the catch-up re-read
 *   backpressure.ts the bounds on what a slow client may cost
 *   revocation.ts   the ping tick: liveness and the permission re-read
 *   client.ts       the client record and the two ways a client ends
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { EventBus } from '../lib/events/event-bus.ts';
import type { EventHistory } from '../lib/events/event-history.ts';
import { createLiveDirectory, eventFilterFor } from '../lib/events/event-scope.ts';
import type { UserChanges } from '../lib/users/invalidations.ts';
import type { Principal } from './auth.ts';
import { createAuth } from './auth.ts';
import { createBackpressure } from './backpressure.ts';
import { CLOSE_CODES, createEnding, newClient } from './client.ts';
import type { Client } from './client.ts';
import { systemClock } from './clock.ts';
import { createFanOut } from './fanout.ts';
import { createReplay } from './replay.ts';
import { createRevocation } from './revocation.ts';
import { createUpgrade } from './upgrade.ts';

export type { Principal } from './auth.ts';
export { CLOSE_CODES } from './client.ts';
export { defaultSince } from './upgrade.ts';

export interface RelayDeps {
  bus: EventBus;
  history: EventHistory;
  /** Resolves the token's user; throws an error with `code` 'unauthenticated' or 'store_unavailable'. */
  authenticate(token: string): Promise<Principal>;
  /** The session token carried by the `Cookie` header, if any. */
  tokenFromCookie(cookieHeader: string | undefined, req: IncomingMessage): string | undefined;
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
  /** Events one replay may send; past it the client gets `{"type":"truncated"}` and goes live. Default 10 000. */
  maxReplayEvents?: number;
  /** Bytes of frames one replay may send, likewise. Default 8 MiB. */
  maxReplayBytes?: number;
  /** Open connections at most, authenticated or not; one more is closed with 4429. Default 1000. */
  maxConnections?: number;
  /** Streams one user may hold at once; one more is closed with 4429. Default 10. */
  maxConnectionsPerUser?: number;
  /** Changes to users as the process learns of them: a changed user's streams are re-checked at once, not on
   *  the next ping tick. Without it, revocation waits for the tick. */
  userChanges?: UserChanges;
  /** Replay waits for the socket to drain whenever more than this is queued. Default 1 MiB. */
  replayHighWaterBytes?: number;
  /** After the replay, events from this far before the client joined are read once more, so an event the
   *  history stored late (bus → history lag) is not lost. Default 5000. */
  catchUpWindowMs?: number;
  /** The catch-up read waits until this long after the client joined, for the history writer to catch up.
   *  Default 250. */
  settleMs?: number;
  /** The current services (id, name, labels), for judging which events a holder of scoped events.read sees
   *  (lib/events/event-scope.ts). Read when such a client starts its stream and after each service event.
   *  Without it (or while it fails), events are judged by what they carry themselves, which never widens a scope. */
  services?: { read(): Promise<{ services: ReadonlyArray<{ id: string; name: string; labels: Readonly<Record<string, string>> }> }> };
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

const NS_PER_MS = 1_000_000n;

const defaultNow = (): bigint => BigInt(Date.now()) * NS_PER_MS;

const positive = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`createRelay: ${name} must be a positive number`);
  return value;
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
  const maxReplayEvents = positive('maxReplayEvents', deps.maxReplayEvents, 10_000);
  const maxReplayBytes = positive('maxReplayBytes', deps.maxReplayBytes, 8 * 1024 * 1024);
  const maxConnections = positive('maxConnections', deps.maxConnections, 1_000);
  const maxConnectionsPerUser = positive('maxConnectionsPerUser', deps.maxConnectionsPerUser, 10);
  const replayHighWaterBytes = positive('replayHighWaterBytes', deps.replayHighWaterBytes, 1024 * 1024);
  const catchUpWindowMs = positive('catchUpWindowMs', deps.catchUpWindowMs, 5_000);
  const settleMs = deps.settleMs ?? 250;
  if (!Number.isFinite(settleMs) || settleMs < 0) throw new TypeError('createRelay: settleMs must be ≥ 0');
  const path = deps.path ?? '/events';
  const log = deps.log ?? (() => {});
  const clock = systemClock;

  const clients = new Set<Client>();
  let closing = false;

  const directory = createLiveDirectory(deps.services, (e) => log('relay: service directory read failed', { error: String(e) }));
  const scopeFor = (p: Principal) => eventFilterFor(p, directory.current);
  const anyScoped = () => {
    for (const c of clients) if (c.sees && c.state !== 'closed') return true;
    return false;
  };

  const ending = createEnding({
    log,
    onFinish(c) {
      auth.forget(c);
      fanout.leave(c);
      revocation.forget(c);
    },
  });
  const backpressure = createBackpressure({ maxBufferedBytes, replayHighWaterBytes, ending });
  const fanout = createFanOut({
    bus,
    backpressure,
    ending,
    log,
    // Only scoped clients need the directory, and it changes only with services.
    observe: (event) => {
      if (event.type === 'service' && anyScoped()) void directory.refresh();
    },
  });
  const replay = createReplay({
    history,
    backpressure,
    ending,
    clock,
    log,
    pageSize,
    maxEvents: maxReplayEvents,
    maxBytes: maxReplayBytes,
    catchUpWindowMs,
    settleMs,
  });
  const revocation = createRevocation({ authenticate, pingIntervalMs, overloaded: backpressure.overloaded, ending, clock, log, scopeFor });

  const streamsOf = (username: string): number => {
    let n = 0;
    for (const other of clients) if (other.username === username && (other.state === 'replaying' || other.state === 'live')) n++;
    return n;
  };

  const stream = async (c: Client): Promise<void> => {
    // Counted here, where the user is first known; clients still authenticating count only in the total.
    if (streamsOf(c.username!) >= maxConnectionsPerUser) {
      ending.fail(c, 'rate_limited', `Too many streams for this user (at most ${maxConnectionsPerUser}); close one first`);
      return;
    }
    c.state = 'replaying';
    // A scoped client's replay is judged against the services as they are now.
    if (c.sees) await directory.refresh();
    fanout.join(c);
    revocation.watch(c);
    const joined = { ms: clock.now(), ns: now() };
    try {
      await fanout.subscribe();
    } catch (e) {
      log('relay: bus subscription failed', { error: String(e) });
      ending.fail(c, 'store_unavailable', 'The event bus is unavailable; retry later');
      return;
    }
    const replayed = await replay.run(c, joined);
    if (replayed !== undefined && c.state === 'replaying') fanout.goLive(c, replayed);
  };

  const auth = createAuth({ authenticate, authTimeoutMs, ending, clock, log, scopeFor, onAuthorized: stream });

  // Subscribed at once, so the first client does not wait for a consumer to join (Kafka); a failure here is
  // retried when a client comes.
  fanout.subscribe().catch((e: unknown) => log('relay: bus subscription failed', { error: String(e) }));

  const unsubscribeChanges = deps.userChanges?.subscribe((username) =>
    username === null ? revocation.onAnyChange() : revocation.onRevoked(username),
  );

  const upgrade = createUpgrade({
    path,
    maxPayload,
    closing: () => closing,
    isAllowedOrigin,
    tokenFromCookie,
    now,
    onConnection(ws, { since, token }) {
      const c = newClient(ws);
      if (clients.size >= maxConnections) {
        // NOTE: upgraded before the refusal so a browser can read why (it cannot read a refused handshake's
        // status); kept out of `clients`, and terminated if it does not answer the close at once.
        ws.on('error', () => {});
        ending.fail(c, 'rate_limited', `The relay is at its connection limit (${maxConnections}); retry later`);
        setTimeout(() => ws.terminate(), 1_000).unref();
        return;
      }
      clients.add(c);
      ws.on('error', (e) => {
        // ws closes with 1009 on an oversized message and 1002/1007 on bad frames; it reports them here.
        log('relay: socket error', { error: e.message });
        ending.finish(c);
      });
      ws.on('close', () => {
        ending.finish(c);
        clients.delete(c);
      });
      ws.on('message', (data, isBinary) => auth.onMessage(c, data, isBinary));
      if (since instanceof Error) return ending.fail(c, 'validation_failed', since.message);
      c.since = since;
      auth.admit(c, token);
    },
  });

  return {
    get size() {
      return clients.size;
    },

    handleUpgrade(req, socket, head) {
      upgrade.handleUpgrade(req, socket, head);
    },

    async close() {
      if (closing) return;
      closing = true;
      unsubscribeChanges?.();
      revocation.stop();
      const open = [...clients];
      for (const c of open) {
        ending.finish(c);
        if (c.ws.readyState === WebSocket.OPEN) c.ws.close(CLOSE_CODES.going_away, 'going_away');
        else c.ws.terminate();
      }
      await Promise.race([
        Promise.all(open.map((c) => (c.ws.readyState === WebSocket.CLOSED ? null : new Promise((r) => c.ws.once('close', r))))),
        new Promise((r) => setTimeout(r, 2_000).unref()),
      ]);
      for (const c of clients) c.ws.terminate();
      await fanout.close();
      await upgrade.close();
    },
  };
}
