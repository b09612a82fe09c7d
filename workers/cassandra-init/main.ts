/**
 * cassandra-init (stack.yml): makes the dashboard's Cassandra role once, then exits 0 (workers/cassandra-init/run.ts).
 * Settings (lib/config.ts, loadCassandraInitConfig): CASSANDRA_CONTACT_POINTS, CASSANDRA_LOCAL_DC,
 * CASSANDRA_USERNAME (the role), CASSANDRA_PASSWORD[_FILE], CASSANDRA_SUPERUSER_PASSWORD[_FILE],
 * CASSANDRA_KEYSPACE, CASSANDRA_REPLICATION_FACTOR. Retries until Cassandra answers.
 */
import { loadCassandraInitConfig } from '../../lib/config.ts';
import { connectWithRetry, runProcess } from '../../lib/process.ts';
import { initCassandraRoles } from './run.ts';

runProcess('cassandra-init', async ({ log, signal }) => {
  const config = loadCassandraInitConfig(process.env);
  const done = connectWithRetry('Cassandra', () => initCassandraRoles({ ...config, log: (m) => log.info(m) }), signal, log).then(() => {});
  return { done, stop: () => done };
});
