import { eventHistoryContract } from '../event-history.contract.ts';
import { createCassandraEventHistory } from './cassandra.ts';

const contactPoints = process.env.CASSANDRA_CONTACT_POINTS;
if (!contactPoints) {
  console.error('CASSANDRA_CONTACT_POINTS is not set: start Cassandra with scripts/servers/cassandra.sh start and export what it prints');
  process.exit(1);
}
const localDataCenter = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const run = Date.now().toString(36);
let n = 0;

// Each case gets its own tables; every other case runs with three buckets a day, so the merge across buckets
// is held to the same contract as the single partition.
eventHistoryContract('cassandra', {
  create: () =>
    createCassandraEventHistory({
      contactPoints: contactPoints.split(','),
      localDataCenter,
      keyspace: 'events_test',
      table: `t_${run}_${++n}`,
      buckets: n % 2 === 0 ? 3 : 1,
      ttlSeconds: 3600,
    }),
});
