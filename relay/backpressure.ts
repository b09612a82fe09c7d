/**
 * Backpressure: what the relay holds for a client is bounded, so one slow reader costs a bounded amount of
 * memory and never slows the others. Live events go out without waiting, and a client with more than
 * `maxBufferedBytes` unsent (in its socket, or buffered while its replay runs) is terminated. A replay has no
 * such hurry: it pauses whenever more than the high-water mark is queued, so a large `?since=` streams from
 * the history at the client's pace instead of piling up in memory.
 */
import { WebSocket } from 'ws';
import type { Client, Ending } from './client.ts';

/** A frame as the fan-out serialised it: once per event, for every client (see sendText). */
export type Frame = string | Buffer;

/** Live events held for one client while its replay runs, in arrival order. */
export interface PendingEvents {
  /** False once the buffer holds more than the bound; the client must then be dropped. `bytes` is the size of
   *  `data`, measured once by the caller for all clients. */
  push(id: string, data: Frame, bytes: number): boolean;
  /** Empties the buffer. */
  take(): { id: string; data: Frame }[];
}

export interface Backpressure {
  /** Sends a live frame, or drops the client if its socket is over the bound. */
  sendLive(c: Client, data: Frame): void;
  /** True when the client's socket holds more than the bound (the ping tick checks it too). */
  overloaded(c: Client): boolean;
  pending(): PendingEvents;
  /** Sends replay frames in order; resolves when the relay may send more (drained below the high-water mark,
   *  or the client closed). */
  sendReplay(c: Client, frames: string[]): Promise<void>;
}

export interface BackpressureOptions {
  maxBufferedBytes: number;
  replayHighWaterBytes: number;
  ending: Ending;
}

export function createBackpressure(o: BackpressureOptions): Backpressure {
  const { maxBufferedBytes, replayHighWaterBytes, ending } = o;

  const overloaded = (c: Client): boolean => c.ws.bufferedAmount > maxBufferedBytes;

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

  return {
    overloaded,

    sendLive(c, data) {
      if (c.ws.readyState !== WebSocket.OPEN) return;
      if (overloaded(c)) return ending.drop(c, 'client stopped reading');
      sendText(c.ws, data);
    },

    pending() {
      let events: { id: string; data: Frame }[] = [];
      let bytes = 0;
      return {
        push(id, data, size) {
          events.push({ id, data });
          bytes += size;
          return bytes <= maxBufferedBytes;
        },
        take() {
          const taken = events;
          events = [];
          bytes = 0;
          return taken;
        },
      };
    },

    async sendReplay(c, frames) {
      let flushed: Promise<void> | undefined;
      // NOTE: corked, a page of frames leaves in a few writes instead of one syscall each, which was most of a
      // large replay's time. ws does not expose its socket; without one the frames simply go out one by one.
      const socket = socketOf(c.ws);
      socket?.cork();
      try {
        for (let i = 0; i < frames.length; i++) {
          if (c.state === 'closed') return;
          // The callback of a send fires once its frame has left the socket's buffer; frames leave in order.
          if (i === frames.length - 1) flushed = new Promise((r) => c.ws.send(frames[i]!, () => r()));
          else c.ws.send(frames[i]!);
        }
      } finally {
        socket?.uncork();
      }
      if (flushed && c.ws.bufferedAmount > replayHighWaterBytes) await drained(c, flushed);
    },
  };
}

/**
 * Sends a text frame. A Buffer is the event's JSON encoded once by the fan-out: sent as is to each of thousands
 * of clients (marked text, which it is), where a string would be encoded again for every client.
 */
export function sendText(ws: WebSocket, data: Frame): void {
  if (typeof data === 'string') ws.send(data);
  else ws.send(data, { binary: false });
}

const socketOf = (ws: WebSocket): { cork(): void; uncork(): void } | undefined => {
  const socket = (ws as unknown as { _socket?: { cork?: unknown; uncork?: unknown } })._socket;
  return typeof socket?.cork === 'function' && typeof socket.uncork === 'function' ? (socket as { cork(): void; uncork(): void }) : undefined;
};
