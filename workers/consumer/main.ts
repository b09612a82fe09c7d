/**
 * The consumer process (replicated; instances share the `event-history` group). Env: KAFKA_BROKERS,
 * CASSANDRA_CONTACT_POINTS (both required), CASSANDRA_LOCAL_DC, CASSANDRA_KEYSPACE, CASSANDRA_REPLICATION_FACTOR,
 * KAFKA_TOPIC, EVENTS_TTL_DAYS, EVENTS_GROUP (default `event-history`). SIGTERM/SIGINT leave the group and disconnect; exit code 0, or 1 on a boot failure.
 */
import { createEventAdapters, eventConfigFromEnv } from '../../lib/events/compose.ts';
import { connectWithRetry } from '../boot.ts';
import { runConsumer } from './run.ts';

const log = (message: string) => console.log(JSON.stringify({ time: new Date().toISOString(), worker: 'consumer', message }));

const main = async (): Promise<number> => {
  const config = eventConfigFromEnv();
  if (!config.kafkaBrokers?.length || !config.cassandraContactPoints?.length) {
    console.error('consumer: KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS are required');
    return 1;
  }
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort());
  const adapters = await connectWithRetry('Kafka and Cassandra', () => createEventAdapters(config), controller.signal, log);
  if (!adapters) return 0;
  log(`consuming into the ${adapters.mode} history`);
  try {
    await runConsumer({
      bus: adapters.bus,
      history: adapters.history,
      signal: controller.signal,
      ...(process.env.EVENTS_GROUP ? { group: process.env.EVENTS_GROUP } : {}),
      onError: (e) => log(`error: ${e instanceof Error ? e.message : String(e)}`),
    });
  } finally {
    await adapters.close();
  }
  log('stopped');
  return 0;
};

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error('consumer: failed to start:', e);
    process.exit(1);
  },
);
