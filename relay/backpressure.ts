/**
 * Backpressure: what the relay holds for a client is bounded, so one slow reader costs a bounded amount of
 * memory and never slows the others. Live events go out without waiting, and a client with more than
 * `maxBufferedBytes` unsent (in its socket, or buffered while its replay runs) is terminated. A replay has no
 * such hurry: it pauses whenever more than the high-water mark is queued, so a large `?since=` streams from
 * the history at the client's pace instead of piling up in memory.
 */
import { WebSocket } from 'ws';
import type { Client, Ending } from './client.ts';
import { textFrames, writeFramed, type Frame } from './frames.ts';

export type { Frame };

/** Live events held for one client while its replay runs, in arrival order. */
export interface PendingEvents {
  /** False once the buffer holds more than the bound; the client must then be dropped. `bytes` is the size of
   *  `data`, measured once by the caller for all clients. */
  push(id: string, data: Frame, bytes: number): boolean;
  /** Empties the buffer. */
  take(): { id: string; data: Frame }[];
}

export interface Backpressure {
  /** Sends a live event's frame (framed once by the fan-out for every client), or drops the client if its
   *  socket is over the bound. */
  sendLive(c: Client, data: Frame): void;
  /** True when the client's socket holds more than the bound (the ping tick checks it too). */
  overloaded(c: Client): boolean;
  pending(): PendingEvents;
  /** Sends replay messages in order, as one write (`byteLengths`: their sizes, if the caller measured them);
   *  resolves when the relay may send more (drained below the high-water mark, or the client closed). */
  sendReplay(c: Client, messages: string[], byteLengths?: number[]): Promise<void>;
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
      sendFrame(c.ws, data);
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

    async sendReplay(c, messages, byteLengths) {
      if (c.state === 'closed' || messages.length === 0) return;
      // The callback fires once the page has left the socket's buffer.
      const flushed = new Promise<void>((r) => writeFramed(c.ws, textFrames(messages, byteLengths), messages, r));
      if (c.ws.bufferedAmount > replayHighWaterBytes) await drained(c, flushed);
    },
  };
}

/** Sends a frame built by the fan-out: the same bytes to each of thousands of clients. */
export function sendFrame(ws: WebSocket, frame: Frame): void {
  writeFramed(ws, frame.bytes, frame.messages);
}
