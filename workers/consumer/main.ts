/**
 * The consumer process (replicated; instances share the `event-history` group): Kafka → Cassandra, and the
 * rollout outcome tracker (workers/outcomes/run.ts, group `audit-outcomes`). Settings
 * (KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS required, CASSANDRA_*, KAFKA_TOPIC, EVENTS_TTL_DAYS,
 * EVENTS_GROUP) are read by lib/config.ts. On SIGTERM it leaves the group and disconnects.
 */
import { createWorkerDeps } from '../../lib/compose.ts';
import { loadWorkerConfig } from '../../lib/config.ts';
import { connectWithRetry, errorText, runProcess } from '../../lib/process.ts';
import { runOutcomeTracker } from '../outcomes/run.ts';
import { runConsumer } from './run.ts';

runProcess('consumer', async ({ log, signal }) => {
  const config = loadWorkerConfig(process.env, 'consumer');
  const onError = (e: unknown) => log.error('error', { error: errorText(e) });
  const workers = await connectWithRetry('Kafka and Cassandra', () => createWorkerDeps(config, onError), signal, log);
  if (!workers?.history) return { stop: async () => void (await workers?.close()) };
  log.info('consuming into the cluster history');
  const history = workers.history;
  const done = Promise.all([
    runConsumer({ bus: workers.bus, history, signal, ...(config.group ? { group: config.group } : {}), onError }),
    // The history's writers also record how audited rollouts ended: they hold the bus and the history it needs.
    runOutcomeTracker({ bus: workers.bus, history, signal, onError }),
  ]).then(() => undefined);
  return {
    done,
    async stop() {
      await done;
      await workers.close();
    },
  };
});
