/**
 * The producer loop: the engine's `GET /events` stream → the EventBus, until `signal` aborts.
 * - Reading never waits for the bus: each line is parsed into a queue at once, because the engine skips a
 *   listener that does not take an event within 100 ms. A separate loop publishes the queue in batches.
 * - After a disconnect it reconnects with exponential backoff and jitter and asks for the engine's whole buffer
 *   (its last 256 events). Not `since` its newest event: the engine walks its buffer back from the newest and
 *   stops at the first event older than `since`, and swarm events carry their object's time (a manager that
 *   restarts re-emits creates and updates stamped minutes ago), so newer events behind such a one were never
 *   replayed. Events this process already read are skipped by id; after a restart the replay is re-published
 *   and dropped downstream by id.
 * - Events are tagged with this node's id.
 * - Service events also have the service looked at until its rollout settles (./rollout-watch.ts).
 * - On start and on every reconnect it lists the swarm (./resync.ts) and emits what changed beyond what the
 *   engine's 256-event buffer could replay, so a producer that was away for long still leaves a history that
 *   agrees with the engine. The snapshot it compares with is kept beside the cursor.
 */
import type { EventBus } from '../../lib/events/event-bus.ts';
import type { Event } from '../../lib/events/event.ts';
import { fromDockerEvent, parseEventLine } from '../../lib/events/docker-event.ts';
import type { ProducerCursor } from './cursor.ts';
import {
  emptySnapshot, listSwarmObjects, observe, resyncEvents, stillNeeded, type EngineState, type SnapshotStore, type SwarmSnapshot,
} from './resync.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import { createTaskWatch, type EngineTasks } from './task-watch.ts';
import { createRolloutWatch, type EngineRollouts } from './rollout-watch.ts';

/** The part of dockerode the producer uses. */
export interface EngineEvents extends Partial<EngineState>, Partial<EngineTasks> {
  getEvents(options?: { since?: number }): Promise<NodeJS.ReadableStream>;
  info(): Promise<{ Name?: string; Swarm?: { NodeID?: string } }>;
}

export interface ProducerOptions {
  docker: EngineEvents;
  bus: EventBus;
  /** Where to resume after a restart; e.g. fileCursor(DATA_DIR, node). Built from the node id when a function. */
  cursor: ProducerCursor | ((node: string) => ProducerCursor);
  /**
   * The swarm as last published, for the resync on each (re)connect; e.g. fileSnapshot(DATA_DIR, node). Without
   * it (or without listServices/listNodes on `docker`), the producer only follows the stream.
   */
  snapshot?: SnapshotStore | ((node: string) => SnapshotStore);
  /** Task history (./task-watch.ts): batching and follow-up delays of the task listings, in ms. */
  taskWatch?: { batchMs?: number; settleMs?: number };
  /** Rollout observations (./rollout-watch.ts), in ms; `false` turns them off. */
  rolloutWatch?: false | { batchMs?: number; followMs?: number; maxMs?: number; confirmMs?: number };
  /** How long the resync lets the stream's replay arrive before and after listing. Default 300 ms. */
  resyncSettleMs?: number;
  signal: AbortSignal;
  /** This node's id; asked of the engine (Swarm.NodeID) when absent. */
  node?: string;
  backoff?: { initialMs?: number; maxMs?: number };
  maxBatch?: number;
  onError?: (error: unknown) => void;
  log?: (message: string) => void;
  /** Called after each batch the bus accepted (for tests and metrics). */
  onPublished?: (events: Event[]) => void;
}

/** Runs until `signal` aborts; then publishes what it already read and resolves. */
export const runProducer = async (options: ProducerOptions): Promise<void> => {
  const { docker, bus, signal } = options;
  const initialMs = options.backoff?.initialMs ?? 200;
  const maxMs = options.backoff?.maxMs ?? 10_000;
  const maxBatch = options.maxBatch ?? 1000;
  const onError = options.onError ?? ((e) => console.error('producer:', e));
  const log = options.log ?? (() => {});

  const queue: Event[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  let newestRead: bigint | null = null;
  // The ids of the events read lately, in reading order: a replay after a reconnect repeats up to 256 of them.
  const recent = new Set<string>();
  const RECENT_IDS = 4096;
  let reading = true;

  let node = options.node;
  while (!node && !signal.aborted) {
    try {
      const info = await docker.info();
      node = info.Swarm?.NodeID || info.Name || 'unknown';
    } catch (e) {
      onError(e);
      await abortableSleep(initialMs, signal);
    }
  }
  if (!node) return;
  const nodeId = node;
  const cursor = typeof options.cursor === 'function' ? options.cursor(nodeId) : options.cursor;
  const snapshotStore = typeof options.snapshot === 'function' ? options.snapshot(nodeId) : options.snapshot;
  const engineState = docker.listServices && docker.listNodes ? (docker as EngineEvents & EngineState) : undefined;
  const settleMs = options.resyncSettleMs ?? 300;
  // `seen`: the swarm as the queue says (what was read, or emitted by a resync); `stored`: as the bus accepted it.
  let seen: SwarmSnapshot = emptySnapshot();
  let stored: SwarmSnapshot = emptySnapshot();
  if (snapshotStore) {
    const loaded = await snapshotStore.load().catch((e: unknown) => (onError(e), null));
    if (loaded) {
      seen = structuredClone(loaded);
      stored = loaded;
    }
  }
  const enqueue = (events: Event[]) => {
    queue.push(...events);
    observe(seen, events);
  };
  const tasks = docker.listTasks
    ? createTaskWatch({
        engine: { listTasks: (o) => docker.listTasks!(o) },
        seen: () => seen,
        stored: () => stored,
        emit: (events) => {
          enqueue(events);
          notify();
        },
        node: nodeId,
        onError,
        ...options.taskWatch,
      })
    : undefined;

  const rollouts = docker.listServices && options.rolloutWatch !== false
    ? createRolloutWatch({
        engine: { listServices: (o) => (docker as unknown as EngineRollouts).listServices(o) },
        emit: (events) => {
          enqueue(events);
          notify();
        },
        node: nodeId,
        onError,
        ...(options.rolloutWatch || {}),
      })
    : undefined;

  const publisher = (async () => {
    let delay = initialMs;
    let published = await cursor.load();
    while (reading || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const batch = queue.slice(0, maxBatch);
      try {
        await bus.publish(batch);
      } catch (e) {
        onError(e);
        // NOTE: keep the batch and retry; only a stop after abort gives up on the bus (the cursor then re-reads).
        if (!reading && signal.aborted && delay >= maxMs) return;
        await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
        delay = Math.min(delay * 2, maxMs);
        continue;
      }
      delay = initialMs;
      queue.splice(0, batch.length);
      if (snapshotStore && observe(stored, batch)) {
        try {
          await snapshotStore.save(stored);
        } catch (e) {
          onError(e);
        }
      }
      let newest = published ?? 0n;
      for (const e of batch) if (BigInt(e.timeNano) > newest) newest = BigInt(e.timeNano);
      if (published === null || newest > published) {
        published = newest;
        try {
          await cursor.save(newest);
        } catch (e) {
          onError(e);
        }
      }
      options.onPublished?.(batch);
    }
  })();

  let resyncing: Promise<void> | null = null;
  let resyncAgain = false;
  const resync = async (): Promise<void> => {
    await abortableSleep(settleMs, signal);
    if (signal.aborted || !engineState) return;
    let objects;
    try {
      objects = await listSwarmObjects(engineState);
    } catch (e) {
      onError(e);
      return;
    }
    // Every (re)connect may have missed task changes too: list the tasks of every service.
    tasks?.touch(objects.filter((o) => o.kind === 'service').map((o) => o.id));
    // …and may have missed the end of a rollout: look at every service again.
    rollouts?.touch(objects.filter((o) => o.kind === 'service').map((o) => o.id));
    const now = BigInt(Date.now()) * 1_000_000n;
    const candidates = resyncEvents(seen, objects, nodeId, now);
    if (candidates.length === 0) return;
    // NOTE: events the engine's replay delivers meanwhile say the same in the engine's own words: keep those.
    await abortableSleep(settleMs, signal);
    const needed = candidates.filter((e) => stillNeeded(seen, e));
    if (needed.length === 0) return;
    log(`resync: ${needed.length} event(s) the stream did not replay`);
    enqueue(needed);
    notify();
  };
  const startResync = () => {
    if (!snapshotStore || !engineState) return;
    if (resyncing) {
      resyncAgain = true;
      return;
    }
    resyncing = (async () => {
      do {
        resyncAgain = false;
        await resync();
      } while (resyncAgain && !signal.aborted);
      resyncing = null;
    })();
  };

  let attempt = 0;
  while (!signal.aborted) {
    // A resume point (an event read here, or published before a restart) means events may have been missed:
    // `since: 1` asks for the whole buffer (see the top of this file). Without one, live only.
    const resuming = newestRead !== null || (await cursor.load().catch(() => null)) !== null;
    const since = resuming ? 1 : undefined;
    try {
      const stream = await docker.getEvents(since !== undefined ? { since } : {});
      log(`connected to the engine${since !== undefined ? ', replaying its buffer' : ''}`);
      attempt = 0;
      startResync();
      await new Promise<void>((resolve) => {
        let rest = '';
        const finish = () => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          finish();
        };
        signal.addEventListener('abort', stop, { once: true });
        stream.on('data', (chunk: Buffer | string) => {
          rest += chunk.toString();
          let nl: number;
          while ((nl = rest.indexOf('\n')) >= 0) {
            const line = rest.slice(0, nl).trim();
            rest = rest.slice(nl + 1);
            if (!line) continue;
            const parsed = parseEventLine(line);
            if (parsed === undefined) {
              onError(new Error('skipped an engine line that is not JSON'));
              continue;
            }
            const event = fromDockerEvent(parsed, nodeId);
            if (!event || recent.has(event.id)) continue;
            recent.add(event.id);
            if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value!);
            enqueue([event]);
            tasks?.observe(event);
            rollouts?.observe(event);
            const t = BigInt(event.timeNano);
            if (newestRead === null || t > newestRead) newestRead = t;
          }
          notify();
        });
        stream.on('error', (e: unknown) => {
          onError(e);
          finish();
        });
        stream.on('end', finish);
        stream.on('close', finish);
      });
      if (!signal.aborted) log('engine stream ended; reconnecting');
    } catch (e) {
      onError(e);
    }
    if (signal.aborted) break;
    const delay = Math.min(maxMs, initialMs * 2 ** attempt++);
    await abortableSleep(delay * (0.5 + Math.random()), signal);
  }
  await resyncing;
  await tasks?.stop();
  await rollouts?.stop();
  reading = false;
  notify();
  await publisher;
};
