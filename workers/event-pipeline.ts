/**
 * The event pipeline for local mode, in-process: the producer streams the engine into the bus and the consumer
 * stores the bus into the history. With the memory bus the consumer group is fed directly at publish.
 */
import type { EventBusClient } from '../lib/events/event-bus.ts';
import type { EventHistory } from '../lib/events/event-history.ts';
import { fileCursor } from './producer/cursor.ts';
import { fileSnapshot } from './producer/resync.ts';
import { runConsumer } from './consumer/run.ts';
import { runProducer, type EngineEvents } from './producer/run.ts';

export interface EventPipelineOptions {
  docker: EngineEvents;
  bus: EventBusClient;
  history: EventHistory;
  /** Holds the producer's resume cursor and swarm snapshot. */
  dataDir: string;
  signal: AbortSignal;
  node?: string;
  onError?: (error: unknown) => void;
  log?: (message: string) => void;
}

/** Starts producer and consumer; the returned promise settles once both stopped after `signal` aborted. */
export const startEventPipeline = (options: EventPipelineOptions): { done: Promise<void> } => {
  const onError = options.onError ?? ((e) => console.error('event pipeline:', e));
  const consumer = runConsumer({ bus: options.bus, history: options.history, signal: options.signal, onError });
  const producer = runProducer({
    docker: options.docker,
    bus: options.bus,
    cursor: (node) => fileCursor(options.dataDir, node),
    snapshot: (node) => fileSnapshot(options.dataDir, node),
    signal: options.signal,
    onError,
    ...(options.node ? { node: options.node } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return { done: Promise.all([producer, consumer]).then(() => undefined) };
};
