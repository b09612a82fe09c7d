/**
 * The HTTP half of a relay connection: which handshakes become WebSockets. Everything decided here is decided
 * before a socket exists, so a refusal is a plain HTTP answer with the API's error body; a bad `?since=` or a
 * malformed credential is carried into the connection instead, where the client gets the error as a message and
 * a close code it can act on.
 *
 * The cap on connections in total is not a refusal here: it is checked on the new socket (relay.ts), so that a
 * browser, which cannot read a refused handshake's status, gets the reason and close code 4429.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { ErrorCode } from '../lib/errors.ts';
import { parseTimeBound } from '../lib/events/docker-event.ts';

const NS_PER_DAY = 86_400_000_000_000n;

/** Start of the previous UTC day, in nanoseconds. */
export const defaultSince = (nowNs: bigint): bigint => (nowNs / NS_PER_DAY) * NS_PER_DAY - NS_PER_DAY;

/** undefined: no Authorization header; null: one the relay cannot use (never a reason to try the cookie). */
export const bearerToken = (header: string | undefined): string | undefined | null => {
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+([!-~]+)[ ]*$/i.exec(header);
  return m ? m[1]! : null;
};

export interface Refusal {
  status: number;
  reason: string;
  code: ErrorCode;
  message: string;
}

export interface Admission {
  /** An Error when `?since=` cannot be used. */
  since: bigint | Error;
  /** undefined: the client must send `{"type":"auth"}`; null: a credential came but was malformed. */
  token: string | undefined | null;
}

export interface HandshakeOptions {
  path: string;
  closing(): boolean;
  isAllowedOrigin(origin: string | undefined, req: IncomingMessage): boolean;
  /** The session token from the handshake's cookies (`req` tells whether it came over HTTPS). */
  tokenFromCookie(cookieHeader: string | undefined, req: IncomingMessage): string | undefined;
  /** Nanoseconds since the epoch. */
  now(): bigint;
}

/** Reads a handshake without side effects: a refusal, or what the connection starts with. */
export function readHandshake(req: IncomingMessage, o: HandshakeOptions): Refusal | Admission {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://relay.invalid');
  } catch {
    return { status: 400, reason: 'Bad Request', code: 'validation_failed', message: 'Malformed request target' };
  }
  if (url.pathname !== o.path) return { status: 404, reason: 'Not Found', code: 'not_found', message: 'No such path' };
  if (o.closing()) return { status: 503, reason: 'Service Unavailable', code: 'store_unavailable', message: 'The relay is shutting down' };
  const origin = req.headers.origin;
  let allowed: boolean;
  try {
    allowed = origin === undefined || o.isAllowedOrigin(origin, req) === true;
  } catch {
    allowed = false;
  }
  // NOTE: cross-site WebSocket hijacking (OWASP ASVS 5.0 4.4.2): a browser sends the cookie with any page's
  // handshake, so a foreign Origin is refused whatever the credential. Clients without a browser send no Origin.
  if (!allowed) return { status: 403, reason: 'Forbidden', code: 'forbidden', message: 'Origin not allowed' };

  const sinceValues = url.searchParams.getAll('since');
  let since: bigint | Error;
  if (sinceValues.length === 0) since = defaultSince(o.now());
  else if (sinceValues.length > 1) since = new Error('since: give it once');
  else {
    try {
      since = parseTimeBound(sinceValues[0]!, 'since');
    } catch {
      since = new Error('since: expected RFC 3339 or a decimal nanosecond count');
    }
  }
  let token = bearerToken(req.headers.authorization);
  if (token === undefined) {
    try {
      token = o.tokenFromCookie(req.headers.cookie, req);
    } catch {
      token = null;
    }
    if (token === '') token = undefined;
  }
  return { since, token };
}

export const rejectHandshake = (socket: Duplex, r: Refusal): void => {
  const body = JSON.stringify({ error: { code: r.code, message: r.message } });
  socket.end(
    `HTTP/1.1 ${r.status} ${r.reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
};

export interface Upgrade {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** The relay's WebSocket server; `onConnection` gets each accepted socket with what its handshake carried. */
export function createUpgrade(
  o: HandshakeOptions & { maxPayload: number; onConnection(ws: WebSocket, admission: Admission): void },
): Upgrade {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload, perMessageDeflate: false, clientTracking: false });
  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => {});
      const h = readHandshake(req, o);
      if ('status' in h) return rejectHandshake(socket, h);
      wss.handleUpgrade(req, socket, head, (ws) => o.onConnection(ws, h));
    },
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}
