/**
 * The producer process (a global service: one per node). Env: KAFKA_BROKERS (required), KAFKA_TOPIC,
 * DOCKER_HOST (dockerode's default otherwise), DATA_DIR (resume cursor; default ./data), EVENTS_NODE (node id;
 * asked of the engine otherwise). SIGTERM/SIGINT stop it after publishing what it read; exit code 0, or 1 on a
 * boot failure.
 */
import Docker from 'dockerode';
import { createKafkaEventBus } from '../../lib/events/event-bus/kafka.ts';
import { connectWithRetry } from '../boot.ts';
import { fileCursor } from './cursor.ts';
import { runProducer } from './run.ts';

const log = (message: string) => console.log(JSON.stringify({ time: new Date().toISOString(), worker: 'producer', message }));

const main = async (): Promise<number> => {
  const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (!brokers?.length) {
    console.error('producer: KAFKA_BROKERS is required');
    return 1;
  }
  const dataDir = process.env.DATA_DIR || './data';
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort());
  const bus = await connectWithRetry(
    'Kafka',
    () =>
      createKafkaEventBus({
        brokers,
        ...(process.env.KAFKA_TOPIC ? { topic: process.env.KAFKA_TOPIC } : {}),
        onError: (e) => log(`bus: ${String(e)}`),
      }),
    controller.signal,
    log,
  );
  if (!bus) return 0;
  try {
    await runProducer({
      docker: new Docker(),
      bus,
      cursor: (node) => fileCursor(dataDir, node),
      signal: controller.signal,
      ...(process.env.EVENTS_NODE ? { node: process.env.EVENTS_NODE } : {}),
      // NOTE: a short ceiling: after an engine restart its 256-event buffer is all there is to catch up from.
      backoff: { initialMs: 200, maxMs: 2000 },
      onError: (e) => log(`error: ${e instanceof Error ? e.message : String(e)}`),
      log,
    });
  } finally {
    await bus.close();
  }
  log('stopped');
  return 0;
};

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error('producer: failed to start:', e);
    process.exit(1);
  },
);
