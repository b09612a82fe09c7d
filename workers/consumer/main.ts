/**
 * The consumer process (replicated; instances share the `event-history` group): Kafka → Cassandra. Settings
 * (KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS required, CASSANDRA_*, KAFKA_TOPIC, EVENTS_TTL_DAYS,
 * EVENTS_GROUP) are read by lib/config.ts. On SIGTERM it leaves the group and disconnects.
 */
import { createWorkerDeps } from '../../lib/compose.ts';
import { loadWorkerConfig } from '../../lib/config.ts';
import { connectWithRetry, runProcess } from '../../lib/process.ts';
import { runConsumer } from './run.ts';

runProcess('consumer', async ({ log, signal }) => {
  const config = loadWorkerConfig(process.env, 'consumer');
  const onError = (e: unknown) => log.error('error', { error: e instanceof Error ? e.message : String(e) });
  const workers = await connectWithRetry('Kafka and Cassandra', () => createWorkerDeps(config, onError), signal, log);
  if (!workers?.history) return { stop: async () => void (await workers?.close()) };
  log.info('consuming into the cluster history');
  const done = runConsumer({ bus: workers.bus, history: workers.history, signal, ...(config.group ? { group: config.group } : {}), onError });
  return {
    done,
    async stop() {
      await done;
      await workers.close();
    },
  };
});
