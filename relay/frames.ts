/**
 * WebSocket text frames built by the relay itself (RFC 6455 §5.2: FIN set, opcode 1, unmasked as every
 * server-to-client frame is), written straight to the client's socket.
 *
 * Why not `ws.send`: ws frames every message on every send, and writes header and payload as two writes. For a
 * live event that is the same work 10,000 times over; for a replay, 100,000 sends of a few hundred bytes. The
 * relay frames a live event once for all clients, and a replay page into one Buffer, which halved the server's
 * CPU for a 100,000-event replay in a comparison on this machine (docs/benchmarks.md).
 *
 * Safe to mix with ws's own sends (the `live` mark, pings, close): the relay runs ws without compression, so ws
 * writes each frame synchronously to the same socket, and whole frames leave in the order they were written.
 * Without a socket (the unit tests' doubles) a frame goes through `ws.send` as before.
 */
import { WebSocket } from 'ws';

/**
 * A text message framed once: `bytes` is the whole frame; `messages` holds the message within it (a view, not a
 * copy), made once per frame for the clients without a socket.
 */
export interface Frame {
  bytes: Buffer;
  messages: readonly [Buffer];
}

const headerLength = (n: number): number => (n < 126 ? 2 : n < 65_536 ? 4 : 10);

function writeHeader(buf: Buffer, at: number, n: number): number {
  buf[at++] = 0x81; // FIN + text
  if (n < 126) {
    buf[at++] = n;
  } else if (n < 65_536) {
    buf[at++] = 126;
    buf.writeUInt16BE(n, at);
    at += 2;
  } else {
    buf[at++] = 127;
    buf.writeBigUInt64BE(BigInt(n), at);
    at += 8;
  }
  return at;
}

/** One text message, framed. */
export function textFrame(message: string): Frame {
  const n = Buffer.byteLength(message);
  const bytes = Buffer.allocUnsafe(headerLength(n) + n);
  const at = writeHeader(bytes, 0, n);
  bytes.write(message, at);
  return { bytes, messages: [bytes.subarray(at)] };
}

/** Many text messages, framed back to back in one Buffer; `byteLengths`, when the caller measured them already. */
export function textFrames(messages: readonly string[], byteLengths?: readonly number[]): Buffer {
  const lengths = byteLengths ?? messages.map((m) => Buffer.byteLength(m));
  let total = 0;
  for (let i = 0; i < messages.length; i++) total += headerLength(lengths[i]!) + lengths[i]!;
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    at = writeHeader(buf, at, lengths[i]!);
    at += buf.write(messages[i]!, at);
  }
  return buf;
}

interface RawSocket {
  write(data: Buffer, cb?: (err?: Error | null) => void): boolean;
}

const socketOf = (ws: WebSocket): RawSocket | undefined => {
  const socket = (ws as unknown as { _socket?: { write?: unknown } })._socket;
  return typeof socket?.write === 'function' ? (socket as RawSocket) : undefined;
};

/**
 * Writes framed bytes to an open client; `onSent` fires once they left (or failed to). `messages` are the same
 * messages unframed, sent through ws when there is no socket to write to.
 */
export function writeFramed(ws: WebSocket, framed: Buffer, messages: readonly (string | Buffer)[], onSent?: () => void): void {
  if (ws.readyState !== WebSocket.OPEN) return void onSent?.();
  const socket = socketOf(ws);
  if (socket) {
    socket.write(framed, onSent && (() => onSent()));
    return;
  }
  if (messages.length === 0) return void onSent?.();
  messages.forEach((m, i) => {
    const last = i === messages.length - 1;
    const cb = last && onSent ? () => onSent() : undefined;
    if (typeof m === 'string') ws.send(m, cb);
    else ws.send(m, { binary: false }, cb);
  });
}
