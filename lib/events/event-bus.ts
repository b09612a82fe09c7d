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
