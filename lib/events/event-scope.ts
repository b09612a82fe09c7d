/**
 * Scoped `events.read` (contract 1.1, "Scoped permissions"): which events a holder of only scoped forms
 * (`events.read:stack=shop`) may see, in list-events and the relay. An event is judged by what it is about:
 *
 * - a service event (actor: the service), a task event (`serviceId`, `serviceName`), a container event of a
 *   service's task (`com.docker.swarm.service.id`/`.name`): the service, its labels read from the directory
 *   of current services. A service the directory does not know (removed, or not yet listed) is judged by its
 *   name, and by the stack label a container carries, so a scope never widens for want of labels;
 * - a secret or config event: the object by its name;
 * - an audit event: its target, when that is a service, a stack, a secret or a config.
 *
 * Anything else (nodes, networks, images, users, plain containers) is about no service: only unscoped holders
 * see it. Fails closed: an event that cannot be placed is not shown to a scoped holder.
 */
import { filterFor, reachOf, STACK_LABEL, type ScopeTarget } from '../permissions.ts';
import type { Event } from './event.ts';
import { encodeCursor } from './event-cursor.ts';
import type { EventHistory, EventPage, EventQuery } from './event-history.ts';

/** The current services by id and by name, as their scope targets. */
export interface ServiceDirectory {
  byId: ReadonlyMap<string, ScopeTarget>;
  byName: ReadonlyMap<string, ScopeTarget>;
}

export const EMPTY_DIRECTORY: ServiceDirectory = { byId: new Map(), byName: new Map() };

/** A directory from a service list (`ServiceSummary` has the three fields). */
export function directoryOf(services: ReadonlyArray<{ id: string; name: string; labels: Readonly<Record<string, string>> }>): ServiceDirectory {
  const byId = new Map<string, ScopeTarget>();
  const byName = new Map<string, ScopeTarget>();
  for (const s of services) {
    const target = { name: s.name, labels: s.labels };
    byId.set(s.id, target);
    byName.set(s.name, target);
  }
  return { byId, byName };
}

const service = (dir: ServiceDirectory, id: string | undefined, name: string | undefined, fallbackLabels: Record<string, string> = {}): ScopeTarget | undefined => {
  const known = (id ? dir.byId.get(id) : undefined) ?? (name ? dir.byName.get(name) : undefined);
  if (known) return known;
  return name ? { name, labels: fallbackLabels } : undefined;
};

/** What an event is about, as a scope target; undefined when it is about no service, secret or config. */
export function eventTarget(event: Event, dir: ServiceDirectory): ScopeTarget | undefined {
  const a = event.actor?.attributes ?? {};
  switch (event.type) {
    case 'service':
      return service(dir, event.actor.id, a.name);
    case 'task':
      return service(dir, a.serviceId, a.serviceName);
    case 'container': {
      const stack = a[STACK_LABEL];
      return service(dir, a['com.docker.swarm.service.id'], a['com.docker.swarm.service.name'], stack === undefined ? {} : { [STACK_LABEL]: stack });
    }
    case 'secret':
    case 'config':
      return a.name ? { name: a.name, labels: {} } : undefined;
    case 'audit': {
      const id = a['target.id'];
      if (!id) return undefined;
      switch (a['target.type']) {
        case 'service':
          return service(dir, id, id);
        case 'stack':
          return { name: '', labels: { [STACK_LABEL]: id } };
        case 'secret':
        case 'config':
          return { name: id, labels: {} };
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/**
 * The events `holder` may see: undefined when it holds `events.read` unscoped (everything), else a predicate
 * over events, judged against `directory()` at each call (so a refreshed directory applies at once).
 */
export function eventFilterFor(holder: { permissions: readonly string[] }, directory: () => ServiceDirectory): ((event: Event) => boolean) | undefined {
  if (reachOf(holder, 'events.read') === 'all') return undefined;
  const matches = filterFor(holder, 'events.read');
  return (event) => {
    const target = eventTarget(event, directory());
    return target !== undefined && matches(target);
  };
}

/** A directory kept from a service list source, refreshed on demand (at most one read at a time). */
export interface LiveDirectory {
  current(): ServiceDirectory;
  /** Reads the services again; a failed read keeps the last directory. */
  refresh(): Promise<void>;
}

export function createLiveDirectory(source: { read(): Promise<{ services: ReadonlyArray<{ id: string; name: string; labels: Readonly<Record<string, string>> }> }> } | undefined, onError: (e: unknown) => void = () => {}): LiveDirectory {
  let dir = EMPTY_DIRECTORY;
  let inFlight: Promise<void> | undefined;
  let again = false;
  const read = async (): Promise<void> => {
    if (!source) return;
    try {
      dir = directoryOf((await source.read()).services);
    } catch (e) {
      onError(e);
    }
  };
  return {
    current: () => dir,
    refresh() {
      if (inFlight) {
        // A change seen while a read runs may be newer than what that read answers: read once more after it.
        again = true;
        return inFlight;
      }
      inFlight = (async () => {
        do {
          again = false;
          await read();
        } while (again);
      })().finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}

/** History pages one filtered read scans at most before it answers what it found, with a cursor to go on. */
export const MAX_SCANNED_PAGES = 20;

/**
 * A page of the events `visible` lets through: history pages are read until `limit` of them are found, the
 * history ends, or MAX_SCANNED_PAGES were scanned. `next` then continues after the last event looked at, so
 * paging a filtered list skips nothing and never sends an event twice.
 */
export async function rangeVisible(history: Pick<EventHistory, 'range'>, query: EventQuery & { limit: number }, visible: (event: Event) => boolean): Promise<EventPage> {
  const events: Event[] = [];
  let cursor = query.cursor;
  for (let scanned = 0; scanned < MAX_SCANNED_PAGES; scanned++) {
    const page = await history.range(cursor === undefined ? query : { ...query, cursor });
    for (const [i, event] of page.events.entries()) {
      if (!visible(event)) continue;
      events.push(event);
      if (events.length === query.limit) {
        const more = i < page.events.length - 1 || page.next !== undefined;
        return more ? { events, next: encodeCursor(event) } : { events };
      }
    }
    if (page.next === undefined) return { events };
    cursor = page.next;
  }
  return { events, next: cursor! };
}
