/**
 * The in-process EventBus for local mode: subscribers get each event synchronously at publish, and each
 * consumer group gets every event once, in order, in batches. Nothing survives the process; in local mode the
 * producer's cursor comes from the history, so a crash re-reads the engine instead of losing events.
 */
import type { Event } from '../event.ts';
import type { EventBusClient, Subscription } from '../event-bus.ts';

export interface MemoryEventBusOptions {
  /** Most events handed to a group handler at once. */
  maxBatch?: number;
  /** Delay before a failed batch is retried, doubling up to 5 s. */
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

interface Group {
  queue: Event[];
  members: Array<(events: Event[]) => Promise<void>>;
  next: number;
  draining: Promise<void> | null;
  /** Events ever queued and ever consumed, to tell each publish when its own events went through. */
  queued: number;
  consumed: number;
  waiters: Array<{ upTo: number; resolve: () => void }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** Creates an in-process bus. */
export const createMemoryEventBus = (options: MemoryEventBusOptions = {}): EventBusClient => {
  const maxBatch = options.maxBatch ?? 500;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const onError = options.onError ?? ((e) => console.error('memory event bus:', e));
  const subscribers = new Set<(event: Event) => void>();
  const groups = new Map<string, Group>();
  let closed = false;

  const drain = async (group: Group): Promise<void> => {
    let delay = retryDelayMs;
    while (!closed && group.queue.length > 0 && group.members.length > 0) {
      const batch = group.queue.slice(0, maxBatch);
      const member = group.members[group.next++ % group.members.length]!;
      try {
        await member(batch);
        group.queue.splice(0, batch.length);
        group.consumed += batch.length;
        delay = retryDelayMs;
        group.waiters = group.waiters.filter((w) => (w.upTo <= group.consumed ? (w.resolve(), false) : true));
      } catch (e) {
        onError(e);
        for (const w of group.waiters.splice(0)) w.resolve();
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
  };

  const kick = (group: Group): Promise<void> => {
    if (!group.draining) {
      group.draining = drain(group).finally(() => {
        group.draining = null;
        if (!closed && group.queue.length > 0 && group.members.length > 0) void kick(group);
      });
    }
    return group.draining;
  };

  return {
    async publish(events) {
      if (closed) throw new Error('event bus closed');
      for (const event of events) {
        for (const s of subscribers) {
          try {
            s(event);
          } catch (e) {
            onError(e);
          }
        }
      }
      // NOTE: resolves after each group's first attempt at this batch, so in local mode an awaited publish has
      // reached the history; a failed batch stays queued and is retried without holding the caller.
      const attempts: Promise<void>[] = [];
      for (const group of groups.values()) {
        group.queue.push(...events);
        group.queued += events.length;
        if (group.members.length === 0 || events.length === 0) continue;
        const upTo = group.queued;
        attempts.push(new Promise<void>((resolve) => group.waiters.push({ upTo, resolve })));
        void kick(group);
      }
      await Promise.all(attempts);
    },

    async subscribe(onEvent) {
      const listener = (event: Event) => onEvent(event);
      subscribers.add(listener);
      return { close: async () => void subscribers.delete(listener) };
    },

    async consume(name, handler): Promise<Subscription> {
      let group = groups.get(name);
      if (!group) {
        group = { queue: [], members: [], next: 0, draining: null, queued: 0, consumed: 0, waiters: [] };
        groups.set(name, group);
      }
      const g = group;
      g.members.push(handler);
      void kick(g);
      return {
        close: async () => {
          const i = g.members.indexOf(handler);
          if (i >= 0) g.members.splice(i, 1);
          if (g.members.length === 0) for (const w of g.waiters.splice(0)) w.resolve();
        },
      };
    },

    async close() {
      closed = true;
      subscribers.clear();
      for (const g of groups.values()) for (const w of g.waiters.splice(0)) w.resolve();
      await Promise.all([...groups.values()].map((g) => g.draining));
    },
  };
};
