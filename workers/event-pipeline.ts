/**
 * The event pipeline for local mode, in-process: the producer streams the engine into the bus, the consumer
 * stores the bus into the history, the outcome tracker records how audited rollouts ended and, when given a store,
 * the alerts loop evaluates the rules. With the memory
 * bus each consumer group is fed directly at publish.
 */
import type { AlertStore } from '../lib/alerts/alert-store.ts';
import type { WebhookClient } from '../lib/alerts/webhook.ts';
import type { EventBusClient } from '../lib/events/event-bus.ts';
import type { EventHistory } from '../lib/events/event-history.ts';
import { fileCursor } from './producer/cursor.ts';
import { fileSnapshot } from './producer/resync.ts';
import { runAlertsWorker } from './alerts/run.ts';
import { runConsumer } from './consumer/run.ts';
import { runOutcomeTracker } from './outcomes/run.ts';
import { runProducer, type EngineEvents } from './producer/run.ts';

export interface EventPipelineOptions {
  docker: EngineEvents;
  bus: EventBusClient;
  history: EventHistory;
  /** Holds the producer's resume cursor and swarm snapshot. */
  dataDir: string;
  signal: AbortSignal;
  node?: string;
  /** Rules and deliveries: runs the alerts loop too. */
  alerts?: { store: AlertStore; webhooks: WebhookClient };
  /** The rollout outcome tracker's deadline and sweep period, in ms (workers/outcomes/run.ts). */
  outcomes?: { deadlineMs?: number; sweepMs?: number };
  onError?: (error: unknown) => void;
  log?: (message: string) => void;
}

/** Starts producer, consumer and alerts; the returned promise settles once all stopped after `signal` aborted. */
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
  const alerts = options.alerts ? runAlertsWorker({ bus: options.bus, ...options.alerts, signal: options.signal, onError }) : undefined;
  const outcomes = runOutcomeTracker({ bus: options.bus, history: options.history, signal: options.signal, onError, ...options.outcomes });
  return { done: Promise.all([producer, consumer, alerts, outcomes]).then(() => undefined) };
};
