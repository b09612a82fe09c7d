/**
 * The producer process (a global service: one per node): this node's engine events → Kafka. Settings
 * (KAFKA_BROKERS required, KAFKA_TOPIC, DOCKER_HOST, DATA_DIR for the resume cursor and the swarm snapshot, EVENTS_NODE) are read
 * by lib/config.ts. On SIGTERM it publishes what it read, then stops.
 */
import { createWorkerDeps } from '../../lib/compose.ts';
import { loadWorkerConfig } from '../../lib/config.ts';
import { connectWithRetry, errorText, runProcess } from '../../lib/process.ts';
import { fileCursor } from './cursor.ts';
import { fileSnapshot } from './resync.ts';
import { runProducer } from './run.ts';

runProcess('producer', async ({ log, signal }) => {
  const config = loadWorkerConfig(process.env, 'producer');
  const onError = (e: unknown) => log.error('error', { error: errorText(e) });
  const workers = await connectWithRetry('Kafka', () => createWorkerDeps(config, onError), signal, log);
  if (!workers) return { stop: async () => {} };
  const done = runProducer({
    docker: workers.engineEvents(),
    bus: workers.bus,
    cursor: (node) => fileCursor(config.dataDir, node),
    snapshot: (node) => fileSnapshot(config.dataDir, node),
    signal,
    ...(config.node ? { node: config.node } : {}),
    // NOTE: a short ceiling: after an engine restart its 256-event buffer is all there is to catch up from.
    backoff: { initialMs: 200, maxMs: 2000 },
    onError,
    log: (message) => log.info(message),
  });
  return {
    done,
    async stop() {
      await done;
      await workers.close();
    },
  };
});
