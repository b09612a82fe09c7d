/**
 * The EventBus port: Docker and audit events on their way to the history and to live clients.
 * Adapters: ./event-bus/memory.ts (local mode) and ./event-bus/kafka.ts.
 */
import type { Event } from './event.ts';

export interface Subscription {
  close(): Promise<void>;
}

export interface EventBus {
  /** Resolves once the bus has accepted every event (for Kafka: acks=all). */
  publish(events: Event[]): Promise<void>;
  /** Live events from now on, for relays: every subscriber sees the whole stream. */
  subscribe(onEvent: (event: Event) => void): Promise<Subscription>;
}

/**
 * What the workers and the composition root hold: the bus plus consumer groups and a disconnect.
 * A plain EventBus (what the relay needs) stays implementable by a small fake.
 */
export interface EventBusClient extends EventBus {
  /**
   * Joins consumer group `group`: each event goes to one member of the group, in batches. A batch counts as
   * consumed only once `handler` resolved; when it rejects, the batch (or its uncommitted rest) comes again.
   * Delivery is at least once, so the handler must be idempotent by event id.
   */
  consume(group: string, handler: (events: Event[]) => Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}
