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
  /** Opaque cursor from a previous page's `next`. */
  cursor?: string;
}

export interface EventPage {
  /** Ascending by timeNano, then id. */
  events: Event[];
  next?: string;
}

export interface EventHistory {
  /** Idempotent by event id: appending the same event twice stores it once. */
  append(events: Event[]): Promise<void>;
  range(query: EventQuery): Promise<EventPage>;
  close(): Promise<void>;
}
