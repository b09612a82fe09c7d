/**
 * The EventHistory port: every stored event, queried by time range with filters and paging.
 * Adapters: ./event-history/embedded.ts (local mode) and ./event-history/cassandra.ts.
 */
import type { Event } from './event.ts';

export interface EventQuery {
  /** Inclusive lower bound, nanoseconds since the epoch. */
  since?: bigint;
  /** Inclusive upper bound, nanoseconds since the epoch. */
  until?: bigint;
  type?: string;
  action?: string;
  /** Actor id. */
  actor?: string;
  limit?: number;
  /** 'asc' (default): oldest first; 'desc': newest first, `next` then leads to older events. */
  order?: 'asc' | 'desc';
  /** Opaque cursor from a previous page's `next` (of a query in the same order). */
  cursor?: string;
}

export interface EventPage {
  /** By timeNano, then id: ascending, or descending for `order: 'desc'`. */
  events: Event[];
  /** The stored JSON of each event, index for index, when the store keeps it as text: the relay sends it as
   *  it is instead of serialising `events` again. It is `JSON.stringify` of the event as appended. */
  json?: string[];
  next?: string;
}

export interface EventHistory {
  /** Idempotent by event id: appending the same event twice stores it once. */
  append(events: Event[]): Promise<void>;
  range(query: EventQuery): Promise<EventPage>;
  close(): Promise<void>;
}
