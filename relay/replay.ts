/**
 * Replay: the stored events from the client's `since`, oldest first, page by page, before the live stream.
 *
 * The history is written by a consumer that lags behind the bus (Kafka → Cassandra), so an event published
 * just before the client joined may be in neither the replay (not stored yet when read) nor the fan-out (sent
 * before the client joined). After the replay the relay waits until `settleMs` after the join, then reads the
 * last `catchUpWindowMs` once more and sends what the first read missed. The ids sent from that window are
 * returned, so the fan-out can skip the buffered live events the client already has.
 *
 * One replay sends at most `maxEvents` events and `maxBytes` of frames, counted over both reads: a client that
 * asks for a month (`?since=0`, or a reconnect storm of them) costs the history and the socket no more than
 * that. Past the bound the relay skips the rest of the replay, tells the client which span it did not send
 * (`{"type":"truncated","since","until"}`, to be read with list-events, which pages) and goes live.
 */
import type { Event } from '../lib/events/event.ts';
import type { EventHistory, EventPage } from '../lib/events/event-history.ts';
import type { Backpressure } from './backpressure.ts';
import type { Client, Ending, Log } from './client.ts';
import { sleep } from './clock.ts';
import type { Clock } from './clock.ts';

const NS_PER_MS = 1_000_000n;

export interface ReplayOptions {
  history: EventHistory;
  backpressure: Backpressure;
  ending: Ending;
  clock: Clock;
  log: Log;
  pageSize: number;
  /** Events one replay may send. */
  maxEvents: number;
  /** Bytes of frames one replay may send. */
  maxBytes: number;
  catchUpWindowMs: number;
  settleMs: number;
}

/** When the client joined the fan-out: wall milliseconds (for the settle wait) and event-time nanoseconds. */
export interface Joined {
  ms: number;
  ns: bigint;
}

export interface Replay {
  /** Replays `c` from `c.since`; the ids sent from the catch-up window, or undefined if the client was ended. */
  run(c: Client, joined: Joined): Promise<Set<string> | undefined>;
}

export function createReplay(o: ReplayOptions): Replay {
  const { history, backpressure, ending, clock, log, pageSize, settleMs } = o;
  const catchUpWindowNs = BigInt(Math.round(o.catchUpWindowMs)) * NS_PER_MS;

  const run = async (c: Client, joined: Joined): Promise<Set<string> | undefined> => {
    const tailSince = c.since > joined.ns - catchUpWindowNs ? c.since : joined.ns - catchUpWindowNs;
    const recent = new Set<string>();
    let sentEvents = 0;
    let sentBytes = 0;
    /** The first event the bound kept from the client, once it did. */
    let cutAt: Event | undefined;

    const sendPage = async ({ events, json }: EventPage, skip?: Set<string>): Promise<boolean> => {
      const frames: string[] = [];
      const lengths: number[] = [];
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (skip?.has(event.id) || (c.sees && !c.sees(event))) continue;
        // The store's own JSON of the event when it has it: the same text, without serialising it again.
        const frame = `{"type":"event","event":${json?.[i] ?? JSON.stringify(event)}}`;
        const bytes = Buffer.byteLength(frame);
        if (sentEvents + 1 > o.maxEvents || sentBytes + bytes > o.maxBytes) {
          cutAt = event;
          break;
        }
        sentEvents += 1;
        sentBytes += bytes;
        if (BigInt(event.timeNano) >= tailSince) recent.add(event.id);
        frames.push(frame);
        lengths.push(bytes);
      }
      await backpressure.sendReplay(c, frames, lengths);
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
        if (!(await sendPage(page, skip))) return false;
        if (cutAt) return true;
      }
      return true;
    };

    const truncate = (first: Event): Set<string> | undefined => {
      // NOTE: `since` is the first unsent event's own time, inclusive: events of that nanosecond that were
      // sent come again from list-events and are dropped by id, as on a reconnect. Events stored late with a
      // time before `until` are in the history by the time the client reads it.
      c.ws.send(JSON.stringify({ type: 'truncated', since: first.timeNano, until: String(joined.ns), sent: sentEvents }));
      log('relay: replay truncated', { user: c.username, sent: sentEvents, bytes: sentBytes });
      return c.state === 'replaying' ? recent : undefined;
    };

    try {
      if (!(await readFrom(c.since))) return undefined;
      if (cutAt) return truncate(cutAt);
      const wait = joined.ms + settleMs - clock.now();
      if (wait > 0) await sleep(clock, wait);
      if (c.state !== 'replaying') return undefined;
      if (!(await readFrom(tailSince, new Set(recent)))) return undefined;
      if (cutAt) return truncate(cutAt);
    } catch (e) {
      if (c.state === 'closed') return undefined;
      log('relay: history read failed', { error: String(e) });
      ending.fail(c, 'store_unavailable', 'The event history is unavailable; retry later');
      return undefined;
    }
    return c.state === 'replaying' ? recent : undefined;
  };

  return { run };
}
