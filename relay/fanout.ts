/**
 * Live fan-out. One relay holds one bus subscription, opened at construction, and fans every live event out
 * to its clients, serialized once. A client joins the fan-out before its replay starts, and live events wait
 * in its own bounded buffer until the replay ends, so nothing falls between the replay and the live stream.
 *
 * A client holding only scoped events.read has a filter (`Client.sees`): the frame is still serialized once, and
 * such a member only decides whether it takes it. `observe` sees every event first (the scope directory's refresh).
 */
import type { Event } from '../lib/events/event.ts';
import type { EventBus, Subscription } from '../lib/events/event-bus.ts';
import { sendFrame, type Backpressure, type PendingEvents } from './backpressure.ts';
import { textFrame, type Frame } from './frames.ts';
import type { Client, Ending, Log } from './client.ts';

export interface FanOutOptions {
  bus: EventBus;
  backpressure: Backpressure;
  ending: Ending;
  log: Log;
  /** Called with every bus event before it is fanned out. */
  observe?: (event: Event) => void;
}

export interface FanOut {
  /** The bus subscription; opened on the first call, and again after one that failed. */
  subscribe(): Promise<Subscription>;
  /** Adds a replaying client: its live events are buffered until `goLive`. */
  join(c: Client): void;
  /** Ends the replay: the live mark, then the buffered events not in `replayed`, then live events directly. */
  goLive(c: Client, replayed: ReadonlySet<string>): void;
  leave(c: Client): void;
  /** Clients in the fan-out, replaying or live. */
  readonly size: number;
  /** Ends the bus subscription. */
  close(): Promise<void>;
}

export function createFanOut(o: FanOutOptions): FanOut {
  const { bus, backpressure, ending, log } = o;
  /** A member's pending buffer is there while its replay runs. */
  const members = new Map<Client, { pending?: PendingEvents }>();
  let subscription: Promise<Subscription> | undefined;

  const onBusEvent = (event: Event): void => {
    if (members.size === 0) return;
    o.observe?.(event);
    let data: Frame;
    try {
      data = textFrame(JSON.stringify({ type: 'event', event }));
    } catch (e) {
      log('relay: unserializable event dropped', { error: String(e) });
      return;
    }
    const bytes = data.bytes.length;
    for (const [c, m] of members) {
      if (c.sees && !c.sees(event)) continue;
      if (!m.pending) backpressure.sendLive(c, data);
      else if (!m.pending.push(event.id, data, bytes)) ending.drop(c, 'live events overflowed during replay');
    }
  };

  return {
    subscribe() {
      subscription ??= bus.subscribe(onBusEvent).catch((e: unknown) => {
        subscription = undefined;
        throw e;
      });
      return subscription;
    },

    join(c) {
      members.set(c, { pending: backpressure.pending() });
    },

    goLive(c, replayed) {
      const m = members.get(c);
      if (!m?.pending) return;
      // Synchronous: no live event can slip in between the mark, the buffered events and the direct sends.
      c.ws.send('{"type":"live"}');
      const pending = m.pending.take();
      m.pending = undefined;
      c.state = 'live';
      for (const p of pending) if (!replayed.has(p.id)) sendFrame(c.ws, p.data);
    },

    leave(c) {
      members.delete(c);
    },

    get size() {
      return members.size;
    },

    async close() {
      const sub = subscription;
      subscription = undefined;
      if (sub) await sub.then((s) => s.close()).catch(() => {});
    },
  };
}
