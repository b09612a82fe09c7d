// Readiness probe for scripts/servers/kafka-auth.sh (needs the checkout's node_modules: kafkajs).
//   node ready.mjs HOST:PORT USER PASSWORD
// Exits 0 when USER lists the topics over SCRAM-SHA-512 and the group coordinator answers, so the first
// consumer group of a test does not wait for __consumer_offsets.
import { Kafka, logLevel } from 'kafkajs';

const [broker, username, password] = process.argv.slice(2);
const kafka = new Kafka({
  clientId: 'ready-probe',
  brokers: [broker],
  sasl: { mechanism: 'scram-sha-512', username, password },
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
  connectionTimeout: 2000,
  requestTimeout: 3000,
});
const admin = kafka.admin();
const timer = setTimeout(() => process.exit(1), 8000);
try {
  await admin.connect();
  await admin.listTopics();
  await admin.describeGroups(['ready-probe']);
  await admin.disconnect();
  clearTimeout(timer);
  process.exit(0);
} catch (e) {
  process.stderr.write(`kafka-auth not ready: ${e?.message ?? e}\n`);
  process.exit(1);
}
