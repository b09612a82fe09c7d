/**
 * Doubles for the relay's unit tests (not shipped): a socket that records what a part sends and lets a test
 * hold back send callbacks, and a clock that a test advances by hand.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { newClient } from '../relay/client.ts';
import type { Client, Log } from '../relay/client.ts';
import type { Clock, Timer } from '../relay/clock.ts';

export class FakeSocket extends EventEmitter {
  readyState: number = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith?: { code: number; reason: string };
  terminated = false;
  pings = 0;
  /** When true, send callbacks wait for `flush()`, as frames wait in a socket that is not drained. */
  holdCallbacks = false;
  private held: Array<() => void> = [];

  /** As ws's send: `(data, cb)` or `(data, options, cb)`. Text frames are recorded as strings; a Buffer sent
   *  without `binary: false` would be a binary frame, which the relay never sends, so it is recorded marked. */
  send(data: string | Buffer, optionsOrCb?: { binary?: boolean } | ((err?: Error) => void), last?: (err?: Error) => void): void {
    const cb = typeof optionsOrCb === 'function' ? optionsOrCb : last;
    const options = typeof optionsOrCb === 'object' ? optionsOrCb : {};
    this.sent.push(typeof data === 'string' ? data : options.binary === false ? data.toString('utf8') : `(binary frame) ${data.toString('utf8')}`);
    if (!cb) return;
    if (this.holdCallbacks) this.held.push(() => cb());
    else queueMicrotask(() => cb());
  }

  flush(): void {
    const held = this.held;
    this.held = [];
    for (const cb of held) cb();
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
    queueMicrotask(() => this.emit('close', code, Buffer.from(reason)));
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    queueMicrotask(() => this.emit('close', 1006, Buffer.alloc(0)));
  }

  ping(): void {
    this.pings++;
  }

  /** Sent messages, parsed. */
  messages(): Array<{ type: string; event?: { id: string }; error?: { code: string } }> {
    return this.sent.map((s) => JSON.parse(s));
  }
}

export const fakeClient = (over: Partial<Client> = {}): Client & { ws: WebSocket; fake: FakeSocket } => {
  const fake = new FakeSocket();
  return Object.assign(newClient(fake as unknown as WebSocket), over, { fake });
};

export interface ManualClock extends Clock {
  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): void;
}

export const manualClock = (start = 1_000_000): ManualClock => {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; every?: number; fn: () => void }>();
  const add = (ms: number, fn: () => void, every?: number): Timer => {
    const id = seq++;
    timers.set(id, { at: now + ms, every, fn });
    return { cancel: () => void timers.delete(id) };
  };
  return {
    now: () => now,
    after: (ms, fn) => add(ms, fn),
    every: (ms, fn) => add(ms, fn, ms),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: [number, { at: number; every?: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        const [id, t] = next;
        now = t.at;
        if (t.every === undefined) timers.delete(id);
        else t.at += t.every;
        t.fn();
      }
      now = end;
    },
  };
};

/** A log that keeps its messages. */
export const recordingLog = (): Log & { messages: string[] } => {
  const messages: string[] = [];
  return Object.assign((message: string) => void messages.push(message), { messages });
};

/** Lets pending promise callbacks and microtasks run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
