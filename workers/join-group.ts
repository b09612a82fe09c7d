import type { EventBusClient } from '../lib/events/event-bus.ts';
import { abortableSleep } from './abortable-sleep.ts';

export type Subscription = Awaited<ReturnType<EventBusClient['consume']>>;

/**
 * Joins `group` on the bus. Joining fails while the bus is down (e.g. a broker restart during a rebalance), so it
 * retries with backoff: from `retryMs` (500), doubling, at most 5 s, each failure given to `onError`. Answers
 * undefined when `signal` aborts before a join succeeds.
 */
export async function joinGroup(
  bus: Pick<EventBusClient, 'consume'>,
  group: string,
  handler: Parameters<EventBusClient['consume']>[1],
  options: { signal: AbortSignal; retryMs?: number; onError: (e: unknown) => void },
): Promise<Subscription | undefined> {
  for (let delay = options.retryMs ?? 500; !options.signal.aborted; delay = Math.min(delay * 2, 5000)) {
    try {
      return await bus.consume(group, handler);
    } catch (e) {
      options.onError(e);
      await abortableSleep(delay, options.signal);
    }
  }
  return undefined;
}
