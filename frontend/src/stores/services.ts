import { createSignal, onCleanup } from 'solid-js';
import type { AppContext } from '../context.ts';
import { eventMs, eventService, isServiceRemoval } from '../logic/events.ts';
import { progressOf, removeService, upsertService } from '../logic/services.ts';
import type { ServiceSummary } from '../types.ts';

export type ServicesStore = ReturnType<typeof createServicesStore>;

/**
 * The services list. Loaded once; then kept current from live events: an event naming a service refetches
 * only that service (inspect-service), debounced per service, and a `remove` drops it. While a service
 * converges it is re-inspected every few seconds as a fallback (the engine emits no task events).
 */
export const createServicesStore = (ctx: AppContext, options: { debounceMs?: number; convergePollMs?: number } = {}) => {
  const debounceMs = options.debounceMs ?? 250;
  const convergePollMs = options.convergePollMs ?? 3000;
  const [services, setServices] = createSignal<readonly ServiceSummary[]>([]);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [lastSync, setLastSync] = createSignal<number | null>(null);
  const due = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let loadedAt = 0;

  const refreshOne = async (id: string) => {
    try {
      const { service } = await ctx.api.inspectService(id, { quiet: true });
      const { spec: _spec, previousSpec: _previous, ...summary } = service;
      setServices((list) => upsertService(list, summary));
    } catch (e) {
      if ((e as { code?: string }).code === 'not_found') setServices((list) => removeService(list, id));
    }
  };

  const flush = () => {
    timer = null;
    const ids = [...due];
    due.clear();
    for (const id of ids) void refreshOne(id);
  };

  const schedule = (id: string) => {
    due.add(id);
    timer ??= setTimeout(flush, debounceMs);
  };

  const unsubscribe = ctx.live.subscribe((event) => {
    if (!loaded()) return;
    // NOTE: the relay replays a day of history on connect; what predates our list is already in it.
    if (eventMs(event) < loadedAt - 5000) return;
    const s = eventService(event);
    if (!s?.id && !s?.name) return;
    if (isServiceRemoval(event)) {
      setServices((list) => removeService(list, s.id ?? s.name!));
      return;
    }
    schedule(s.id ?? s.name!);
  });

  const poll = setInterval(() => {
    if (!loaded() || (typeof document !== 'undefined' && document.visibilityState === 'hidden')) return;
    const converging = services().filter((s) => progressOf(s).converging).slice(0, 20);
    for (const s of converging) schedule(s.id);
  }, convergePollMs);

  const dispose = () => {
    clearInterval(poll);
    if (timer) clearTimeout(timer);
    unsubscribe();
  };
  onCleanup(dispose);

  const load = async () => {
    setLoading(true);
    try {
      const started = Date.now();
      const { services: list } = await ctx.api.listServices();
      loadedAt = started;
      setServices(list);
      setError(null);
      setLoaded(true);
      setLastSync(Date.now());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  return {
    services,
    loading,
    loaded,
    error,
    lastSync,
    load,
    refreshOne,
    /** Reflects a local change at once (e.g. after scale), before the event confirms it. */
    patch(id: string, change: Partial<ServiceSummary>) {
      setServices((list) => list.map((s) => (s.id === id ? { ...s, ...change } : s)));
      schedule(id);
    },
    remove(id: string) {
      setServices((list) => removeService(list, id));
    },
    dispose,
  };
};
