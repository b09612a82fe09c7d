/**
 * Task history on a manager: Docker emits no task events, so service and container events (and every resync)
 * mark services as touched, and a batched listing (`GET /tasks?filters={"service":[...]}`) turns each task's
 * state that the snapshot does not know yet into a `task` event (lib/events/task-event.ts). A second listing a
 * few seconds later catches the state a container's exit leads to, which the manager records after the event.
 * On a worker node the engine refuses task listings; the watch then reports that once and keeps quiet.
 */
import type { Event } from '../../lib/events/event.ts';
import { taskChanges } from '../../lib/events/task-event.ts';
import { toSwarmError } from '../../lib/swarm/docker-errors.ts';
import type { SwarmSnapshot } from './resync.ts';

/** The part of dockerode the task watch uses. */
export interface EngineTasks {
  listTasks(options: { filters: string }): Promise<unknown[]>;
}

export interface TaskWatchOptions {
  engine: EngineTasks;
  /** The snapshot as the queue says: names of services, and the task states already emitted. */
  seen: () => SwarmSnapshot;
  /** The snapshot as the bus accepted it; tasks the engine no longer lists are forgotten in both. */
  stored: () => SwarmSnapshot;
  emit: (events: Event[]) => void;
  node: string;
  onError: (e: unknown) => void;
  /** Delay that gathers touches into one listing. Default 500 ms. */
  batchMs?: number;
  /** When the follow-up listing runs. Default 3 s. */
  settleMs?: number;
}

const SERVICE_LABEL = 'com.docker.swarm.service.id';
const notFound = (e: unknown): boolean => toSwarmError(e).code === 'not_found';
const CHUNK = 50;

export interface TaskWatch {
  /** Notes the services an engine event concerns. */
  observe(event: Event): void;
  touch(serviceIds: Iterable<string>): void;
  /** Waits for listings in progress; timers still pending are dropped. */
  stop(): Promise<void>;
}

export const createTaskWatch = (options: TaskWatchOptions): TaskWatch => {
  const batchMs = options.batchMs ?? 500;
  const settleMs = options.settleMs ?? 3000;
  const pending = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let failing = false;

  const listOf = (ids: string[]) => options.engine.listTasks({ filters: JSON.stringify({ service: ids }) });
  // NOTE: the engine answers 404 for the whole listing when one service in the filter is gone (removed since it
  // was touched), so the chunk is then listed one service at a time, and a removed one has no tasks.
  const listChunk = async (chunk: string[]): Promise<unknown[]> => {
    try {
      return await listOf(chunk);
    } catch (e) {
      if (!notFound(e)) throw e;
      const each = await Promise.all(chunk.map((id) => listOf([id]).catch((e2: unknown) => (notFound(e2) ? [] : Promise.reject(e2)))));
      return each.flat();
    }
  };

  const list = async (ids: string[]) => {
    const seen = options.seen();
    const known = (seen.task ??= {});
    const names = new Map(Object.entries(seen.service).map(([id, [name]]) => [id, name]));
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      let tasks: unknown[];
      try {
        tasks = await listChunk(chunk);
        failing = false;
      } catch (e) {
        if (!failing) options.onError(e);
        failing = true;
        return;
      }
      const changes = taskChanges(tasks, names, known, options.node);
      const listed = new Set(tasks.map((t) => (t as { ID?: unknown }).ID));
      const services = new Set(chunk);
      for (const snapshot of [seen, options.stored()]) {
        for (const [task, [service]] of Object.entries(snapshot.task ?? {})) {
          if (services.has(service) && !listed.has(task)) delete snapshot.task![task];
        }
      }
      if (changes.length > 0) options.emit(changes);
    }
  };

  const flush = () => {
    if (pending.size === 0 || stopped) return;
    const ids = [...pending];
    pending.clear();
    running = running.then(() => list(ids)).catch(options.onError);
  };

  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  const touch = (serviceIds: Iterable<string>) => {
    if (stopped) return;
    const fresh = [...serviceIds].filter((id) => id !== '');
    if (fresh.length === 0) return;
    const wasEmpty = pending.size === 0;
    for (const id of fresh) pending.add(id);
    if (wasEmpty) later(batchMs, flush);
    later(settleMs, () => {
      for (const id of fresh) pending.add(id);
      flush();
    });
  };

  return {
    observe(event) {
      if (event.type === 'service' && event.scope === 'swarm' && event.action !== 'remove') touch([event.actor.id]);
      else if (event.type === 'container') {
        const service = event.actor.attributes[SERVICE_LABEL];
        if (service) touch([service]);
      }
    },
    touch,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await running;
    },
  };
};
