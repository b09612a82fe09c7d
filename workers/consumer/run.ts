/**
 * The consumer loop: the bus's `event-history` consumer group → the EventHistory, until `signal` aborts.
 * The bus commits a batch only after `history.append` resolved, and append is idempotent by id, so a crash or
 * a rebalance redelivers without losing or doubling anything. Several instances share the group's partitions.
 */
import type { EventBusClient } from '../../lib/events/event-bus.ts';
import type { Event } from '../../lib/events/event.ts';
import type { EventHistory } from '../../lib/events/event-history.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import { joinGroup } from '../join-group.ts';

export const HISTORY_GROUP = 'event-history';

export interface ConsumerOptions {
  bus: Pick<EventBusClient, 'consume'>;
  history: Pick<EventHistory, 'append'>;
  signal: AbortSignal;
  group?: string;
  onError?: (error: unknown) => void;
  /** First delay before joining the group again after a failure; doubles up to 5 s. Default 500 ms. */
  retryMs?: number;
  /** Called after each batch was stored (for tests and metrics). */
  onStored?: (events: Event[]) => void;
}

/** Runs until `signal` aborts; then leaves the group and resolves. */
export const runConsumer = async (options: ConsumerOptions): Promise<void> => {
  const { bus, history, signal } = options;
  const onError = options.onError ?? ((e) => console.error('consumer:', e));
  if (signal.aborted) return;
  const handler = async (events: Event[]) => {
    try {
      await history.append(events);
    } catch (e) {
      onError(e);
      throw e;
    }
    options.onStored?.(events);
  };
  const subscription = await joinGroup(bus, options.group ?? HISTORY_GROUP, handler, { signal, retryMs: options.retryMs, onError });
  if (!subscription) return;
  await abortableSleep(Number.POSITIVE_INFINITY, signal);
  await subscription.close();
};
