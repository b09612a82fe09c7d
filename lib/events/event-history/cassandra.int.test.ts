import { Client } from 'cassandra-driver';
import { eventHistoryContract } from '../event-history.contract.ts';
import { createCassandraEventHistory } from './cassandra.ts';

const contactPoints = process.env.CASSANDRA_CONTACT_POINTS;
if (!contactPoints) {
  console.error('CASSANDRA_CONTACT_POINTS is not set: start Cassandra with scripts/servers/cassandra.sh start and export what it prints');
  process.exit(1);
}
const localDataCenter = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const keyspace = `events_test_${Date.now().toString(36)}`;
let n = 0;

// Each case gets its own tables in this run's keyspace; every other case runs with three buckets a day, so the
// merge across buckets is held to the same contract as the single partition.
eventHistoryContract('cassandra', {
  create: () =>
    createCassandraEventHistory({
      contactPoints: contactPoints.split(','),
      localDataCenter,
      keyspace,
      table: `t${++n}`,
      buckets: n % 2 === 0 ? 3 : 1,
      ttlSeconds: 3600,
    }),
  async cleanup() {
    const client = new Client({ contactPoints: contactPoints.split(','), localDataCenter });
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).finally(() => client.shutdown());
  },
});
