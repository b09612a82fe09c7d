// Smoke check of the Kafka and Cassandra test servers with the project's own clients (kafkajs,
// cassandra-driver). Run from the repo root after `scripts/servers/{kafka,cassandra}.sh start`:
//
//   KAFKA_BROKERS=127.0.0.1:19092 CASSANDRA_CONTACT_POINTS=127.0.0.1:19042 CASSANDRA_LOCAL_DC=datacenter1 \
//     node scripts/servers/smoke-kafka-cassandra.mjs [kafka|cassandra|all] [write|verify]
//
// `write` (default) produces a message and consumes it through a consumer group with a manual commit,
// and inserts then selects a Cassandra row; it records what it wrote in .cache/servers/smoke-state.json.
// `verify` checks that what the last `write` left is still there (run it after a kill -9 and a restart).
// Exits non-zero on any mismatch.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import cassandra from 'cassandra-driver';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const statePath = resolve(root, '.cache/servers/smoke-state.json');
const [which = 'all', mode = 'write'] = process.argv.slice(2);

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run scripts/servers/*.sh env)`);
  return value;
}

function readState() {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8'));
  } catch {
    return {};
  }
}

function saveState(patch) {
  mkdirSync(dirname(statePath), { recursive: true });
  writeFileSync(statePath, JSON.stringify({ ...readState(), ...patch }, null, 2));
}

function check(ok, message) {
  if (!ok) throw new Error(`FAILED: ${message}`);
  console.log(`ok - ${message}`);
}

async function kafkaWrite(kafka) {
  const topic = 'smoke-topic';
  const groupId = 'smoke-group';
  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  console.log(`topic ${topic} ${created ? 'created' : 'already existed'}`);

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = `hello ${new Date().toISOString()}`;
  const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });
  const offset = meta.baseOffset;
  console.log(`produced "${value}" at offset ${offset}`);
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = await new Promise((resolveSeen, rejectSeen) => {
    const timer = setTimeout(() => rejectSeen(new Error('no message consumed within 30s')), 30000);
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }) => {
          await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          if (message.offset === offset) {
            clearTimeout(timer);
            resolveSeen(message.value.toString());
          }
        },
      })
      .catch(rejectSeen);
  });
  await consumer.disconnect();
  check(seen === value, `kafka: consumed the produced message through group ${groupId} with a manual commit`);

  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const groupOffset = committed.partitions[0].offset;
  check(groupOffset === String(BigInt(offset) + 1n), `kafka: committed offset is ${groupOffset}`);
  await admin.disconnect();
  saveState({ kafka: { topic, groupId, value, offset, groupOffset } });
}

async function kafkaVerify(kafka) {
  const { kafka: s } = readState();
  if (!s) throw new Error('no kafka state: run with `write` first');
  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: s.groupId, topics: [s.topic] });
  check(committed.partitions[0].offset === s.groupOffset, `kafka: group offset ${s.groupOffset} survived`);
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: `smoke-verify-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: s.topic, fromBeginning: true });
  const found = await new Promise((resolveFound, rejectFound) => {
    const timer = setTimeout(() => rejectFound(new Error('message not found within 30s')), 30000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          if (message.offset === s.offset) {
            clearTimeout(timer);
            resolveFound(message.value.toString());
          }
        },
      })
      .catch(rejectFound);
  });
  await consumer.disconnect();
  check(found === s.value, `kafka: message at offset ${s.offset} survived ("${found}")`);
}

async function cassandraRun(verify) {
  const contactPoints = need('CASSANDRA_CONTACT_POINTS').split(',');
  const client = new cassandra.Client({ contactPoints, localDataCenter: need('CASSANDRA_LOCAL_DC') });
  await client.connect();
  try {
    const version = (await client.execute('SELECT release_version FROM system.local')).first().release_version;
    console.log(`cassandra release_version ${version}`);
    if (verify) {
      const { cassandra: s } = readState();
      if (!s) throw new Error('no cassandra state: run with `write` first');
      const row = (await client.execute('SELECT v FROM smoke.kv WHERE k = ?', [s.key], { prepare: true })).first();
      check(row?.v === s.value, `cassandra: row ${s.key} survived ("${row?.v}")`);
      return;
    }
    await client.execute(
      "CREATE KEYSPACE IF NOT EXISTS smoke WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute('CREATE TABLE IF NOT EXISTS smoke.kv (k text PRIMARY KEY, v text)');
    const key = `k-${Date.now()}`;
    const value = `hello ${new Date().toISOString()}`;
    await client.execute('INSERT INTO smoke.kv (k, v) VALUES (?, ?)', [key, value], { prepare: true });
    const row = (await client.execute('SELECT v FROM smoke.kv WHERE k = ?', [key], { prepare: true })).first();
    check(row?.v === value, 'cassandra: created keyspace and table, inserted and selected a row');
    saveState({ cassandra: { key, value } });
  } finally {
    await client.shutdown();
  }
}

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const verify = mode === 'verify';
if (which === 'kafka' || which === 'all') {
  const kafka = new Kafka({ clientId: 'smoke', brokers: need('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
  await (verify ? kafkaVerify(kafka) : kafkaWrite(kafka));
}
if (which === 'cassandra' || which === 'all') await cassandraRun(verify);
console.log('smoke check passed');
