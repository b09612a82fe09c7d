/**
 * list-services from live state: the summaries of every service, kept current from the event stream, so a
 * read answers from memory instead of waiting for the engine's `GET /services?status=true`.
 *
 * - At start, one full list. Then every event that can change a summary marks its service dirty: a service
 *   event (create, update, remove), a container event of a service's task (the running count), and an audit
 *   event of a service write (so a user's own change shows even before the engine's event arrives). Dirty
 *   services are read again in one narrowed call (`filters={"id":[…]}`), batched over a few milliseconds.
 * - A container event reaches us before the manager has counted the task (status=true lags the node), so a
 *   service in flux (running ≠ desired, or an update under way) is read again every `convergeMs` until it settles.
 * - Node events and anything it cannot place (a lost subscription, a failed narrowed read, the periodic
 *   timer) resynchronise the whole list: a gap in the stream never leaves the state wrong for long.
 * - Until the first list succeeds, and whenever the state is known to be behind (a resync failed), reads go
 *   to the engine as before, so an answer is never older than the last event this process saw.
 * - A read waits only for the first list and for the audited service writes this process saw before it; the
 *   engine's own events are applied as they come, and a read never waits for the engine because of them.
 * Each state has an ETag: an unchanged list answers 304 to If-None-Match.
 */
import { createHash } from 'node:crypto';
import type { EventBus, Subscription } from '../events/event-bus.ts';
import type { Event } from '../events/event.ts';
import type { ServiceSummary, Swarm } from './swarm.ts';

export interface ServiceListSnapshot {
  services: ServiceSummary[];
  /** A strong ETag of this exact list. */
  etag: string;
  /** `{"services":[…]}` as UTF-8, serialised once per list: 20 readers of one list cost one stringify. */
  body: Uint8Array<ArrayBuffer>;
}

export interface LiveServices {
  /** The current list; from memory once the state is live. */
  read(): Promise<ServiceListSnapshot>;
  close(): Promise<void>;
}

export interface LiveServicesOptions {
  swarm: Pick<Swarm, 'listServices'>;
  events: Pick<EventBus, 'subscribe'>;
  /** Full resynchronisation period, whatever the stream says. Default 30 s. */
  resyncMs?: number;
  /** How long dirty services wait to be read together. Default 5 ms. */
  batchMs?: number;
  /** How often a service in flux is read again. Default 250 ms. */
  convergeMs?: number;
  onError?: (error: unknown) => void;
}

const SERVICE_ID = 'com.docker.swarm.service.id';

const snapshotOf = (services: ServiceSummary[]): ServiceListSnapshot => {
  const json = JSON.stringify(services);
  return {
    services,
    etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`,
    body: Buffer.from(`{"services":${json}}`),
  };
};

const IN_FLUX = new Set(['updating', 'rollback_started']);
const isInFlux = (s: ServiceSummary) => s.replicas.running !== s.replicas.desired || IN_FLUX.has(s.updateStatus?.state ?? '');

/** Reads straight from the engine, for a process whose bus carries no engine events. */
export function directServices(swarm: Pick<Swarm, 'listServices'>): LiveServices {
  return { read: async () => snapshotOf(await swarm.listServices()), close: async () => {} };
}

/** The service a live event concerns: its id, `'*'` for "resync everything", or undefined for "none". */
export function affectedService(event: Event, known: ReadonlyMap<string, ServiceSummary>): string | undefined {
  if (event.type === 'service') return event.actor.id;
  if (event.type === 'container') return event.actor.attributes[SERVICE_ID];
  if (event.type === 'node') return '*';
  if (event.type === 'audit' && event.actor.attributes['target.type'] === 'service') {
    // The target is the id or the name the user gave; a name not yet known (a create) needs the whole list.
    const target = event.actor.attributes['target.id'] ?? '';
    if (known.has(target)) return target;
    for (const s of known.values()) if (s.name === target) return s.id;
    return '*';
  }
  return undefined;
}

export function createLiveServices(options: LiveServicesOptions): LiveServices {
  const { swarm, events } = options;
  const onError = options.onError ?? (() => {});
  const state = new Map<string, ServiceSummary>();
  let snapshot: ServiceListSnapshot | undefined;
  let live = false;
  let closed = false;
  let subscription: Subscription | undefined;
  const dirty = new Set<string>();
  let everything = false;
  // Audited writes seen and applied, counted: a read waits for the first list and for the service writes made
  // through the API before it (a user sees their own change), and for nothing else. Waiting for the engine's own
  // events, convergence re-reads or resyncs would make each read wait for an engine call whenever the cluster
  // is busy; those changes show as soon as they are applied (issue 13: within 100 ms of the engine's event).
  let seen = 1;
  let applied = 0;
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  let converging: NodeJS.Timeout | undefined;
  const publish = () => {
    snapshot = snapshotOf([...state.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    const inFlux = snapshot.services.filter(isInFlux).map((s) => s.id);
    clearTimeout(converging);
    if (inFlux.length === 0 || closed) return;
    converging = setTimeout(() => {
      for (const id of inFlux) dirty.add(id);
      schedule();
    }, options.convergeMs ?? 250);
    converging.unref();
  };

  const resync = async () => {
    const services = await swarm.listServices();
    state.clear();
    for (const s of services) state.set(s.id, s);
    publish();
    live = true;
    backoffMs = 0;
  };

  let backoffMs = 0;
  const flush = async () => {
    await new Promise((r) => setTimeout(r, Math.max(options.batchMs ?? 5, backoffMs)));
    const ids = [...dirty];
    const all = everything;
    const upTo = seen;
    dirty.clear();
    everything = false;
    try {
      if (all) await resync();
      else {
        const found = await swarm.listServices({ ids });
        for (const id of ids) state.delete(id);
        for (const s of found) state.set(s.id, s);
        publish();
        backoffMs = 0;
      }
      applied = upTo;
    } catch (e) {
      // NOTE: reads fall back to the engine until a resync succeeds, so a failed update is never served.
      live = false;
      everything = true;
      backoffMs = Math.min(Math.max(backoffMs * 2, 250), 10_000);
      onError(e);
    }
  };

  const schedule = () => {
    if (flushing || closed) return;
    flushing = flush().finally(() => {
      flushing = undefined;
      if (dirty.size > 0 || everything || !live) schedule();
    });
  };

  const onEvent = (event: Event) => {
    const id = affectedService(event, state);
    if (id === undefined) return;
    if (event.type === 'audit') seen++;
    if (id === '*') everything = true;
    else dirty.add(id);
    schedule();
  };

  const start = (async () => {
    try {
      subscription = await events.subscribe(onEvent);
    } catch (e) {
      onError(e);
    }
    // Subscribed first, then listed: an event between the two is applied after the list, never lost.
    everything = true;
    schedule();
    timer = setInterval(() => {
      everything = true;
      schedule();
    }, options.resyncMs ?? 30_000);
    timer.unref();
  })();


  return {
    async read() {
      await start;
      // A change this process already saw (or the first list) is waited for: the answer is as fresh as the
      // stream. After a failure nothing is waited for; the engine answers until a resync succeeds.
      const want = seen;
      while (applied < want && flushing && backoffMs === 0) await flushing;
      if (!live || !snapshot) return snapshotOf(await swarm.listServices());
      return snapshot;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      clearTimeout(converging);
      await start;
      await subscription?.close();
      await flushing;
    },
  };
}
