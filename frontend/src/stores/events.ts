import { createSignal, onCleanup } from 'solid-js';
import type { AppContext } from '../context.ts';
import { createEventLog } from '../logic/events.ts';
import { touchesUser } from '../logic/permissions.ts';
import type { Event } from '../types.ts';

export type EventsStore = ReturnType<typeof createEventsStore>;

/**
 * Every event the live module delivers (the relay's replay, then live), plus older pages loaded on demand
 * with list-events, in one id-deduplicated ascending log. Arrivals are batched into one update per 200 ms.
 */
export const createEventsStore = (ctx: AppContext) => {
  const log = createEventLog(50_000);
  const [items, setItems] = createSignal<readonly Event[]>([]);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [historyFrom, setHistoryFrom] = createSignal<number | null>(null);
  let pending: Event[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let refreshMe: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    const batch = pending;
    pending = [];
    if (log.add(batch) > 0) setItems(log.items);
  };

  const unsubscribe = ctx.live.subscribe((event) => {
    pending.push(event);
    timer ??= setTimeout(flush, 200);
    const me = ctx.session.me();
    if (me && (event.scope === 'audit' || event.type === 'audit') && touchesUser(event.actor.attributes ?? {}, me.username)) {
      if (refreshMe) clearTimeout(refreshMe);
      refreshMe = setTimeout(() => void ctx.session.refresh(), 200);
    }
  });

  onCleanup(() => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (refreshMe) clearTimeout(refreshMe);
  });

  return {
    items,
    loadingOlder,
    /** The start of the stored history loaded so far (epoch ms), or null before any load. */
    historyFrom,
    /**
     * Loads the stored events of the `hours` before what is held (list-events is ascending, so it pages a
     * time window forward with `next`, up to `max` events).
     */
    async loadOlder(hours = 1, max = 5000) {
      if (loadingOlder()) return;
      setLoadingOlder(true);
      try {
        const oldest = log.items[0];
        const untilMs = historyFrom() ?? (oldest ? Math.floor(Number(oldest.timeNano.slice(0, -6))) : Date.now());
        const sinceMs = untilMs - hours * 3_600_000;
        const range = { since: `${sinceMs}000000`, until: `${untilMs}000000`, limit: 1000 };
        let cursor: string | undefined;
        let loaded = 0;
        do {
          const page: { events: Event[]; next?: string } = await ctx.api.listEvents(cursor ? { ...range, cursor } : range);
          loaded += page.events.length;
          log.add(page.events);
          cursor = page.next && page.events.length > 0 ? page.next : undefined;
        } while (cursor !== undefined && loaded < max);
        setHistoryFrom(sinceMs);
        setItems(log.items);
        return loaded;
      } finally {
        setLoadingOlder(false);
      }
    },
    /** Adds events from elsewhere (e.g. a detail page's history query). */
    add(events: readonly Event[]) {
      if (log.add(events) > 0) setItems(log.items);
    },
    clear() {
      log.clear();
      setItems([]);
      setHistoryFrom(null);
    },
  };
};
