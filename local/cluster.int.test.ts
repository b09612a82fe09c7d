/**
 * The same end-to-end contract walk with every cluster adapter: MongoDB (FerretDB) with NATS, Kafka and
 * Cassandra. Each run gets its own database, topic and keyspace, dropped afterwards.
 */
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { contractSuite } from './contract.suite.ts';

const missing = ['MONGO_URL', 'NATS_URL', 'KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS'].filter((k) => !process.env[k]);
if (missing.length) {
  console.error(`cluster.int.test: set ${missing.join(', ')} (npm test starts the servers and sets them)`);
  process.exit(1);
}
const run = `e2e_${process.pid}`;
const mongo = new URL(process.env['MONGO_URL']!);
mongo.pathname = `/${run}`;
const topic = `swarm-events-${run}`;
const test = contractSuite('cluster composition (MongoDB+NATS, Kafka, Cassandra)', {
  MONGO_URL: mongo.toString(),
  KAFKA_TOPIC: topic,
  CASSANDRA_KEYSPACE: run,
});

test.after(async () => {
  const client = await MongoClient.connect(process.env['MONGO_URL']!);
  await client.db(run).dropDatabase().finally(() => client.close());
  const cql = new cassandra.Client({
    contactPoints: process.env['CASSANDRA_CONTACT_POINTS']!.split(','),
    localDataCenter: process.env['CASSANDRA_LOCAL_DC'] ?? 'datacenter1',
  });
  await cql.execute(`DROP KEYSPACE IF EXISTS ${run}`).finally(() => cql.shutdown());
  const admin = new Kafka({ brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {}).finally(() => admin.disconnect());
});

test.run();
