/**
 * The same end-to-end contract walk with every cluster adapter: MongoDB (FerretDB) with NATS, Kafka and
 * Cassandra. Each run gets its own database, topic and keyspace.
 */
import { contractSuite } from './contract.suite.ts';

const missing = ['MONGO_URL', 'NATS_URL', 'KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS'].filter((k) => !process.env[k]);
if (missing.length) {
  console.error(`cluster.int.test: set ${missing.join(', ')} (npm test starts the servers and sets them)`);
  process.exit(1);
}
const run = `e2e_${process.pid}`;
const mongo = new URL(process.env['MONGO_URL']!);
mongo.pathname = `/${run}`;
contractSuite('cluster composition (MongoDB+NATS, Kafka, Cassandra)', {
  MONGO_URL: mongo.toString(),
  KAFKA_TOPIC: `swarm-events-${run}`,
  CASSANDRA_KEYSPACE: run,
}).run();
