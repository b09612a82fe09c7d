// Smoke check of the Kafka and Cassandra test servers with the project's own clients (kafkajs,
// cassandra-driver). Run from the repo root after `scripts/servers/{kafka,cassandra}.sh start`:
//
//   KAFKA_BROKERS=127.0.0.1:19092 CASSANDRA_CONTACT_POINTS=127.0.0.1:19042 CASSANDRA_LOCAL_DC=datacenter1 \
//     node scripts/servers/smoke-kafka-cassandra.mjs [kafka|cassandra|all] [write|verify|burst|verify-burst]
//
// `write` (default) produces a message and consumes it through a consumer group with a manual commit,
// and inserts then selects a Cassandra row; it records what it wrote in .cache/servers/smoke-state.json.
// `verify` checks that what the last `write` left is still there (run it after a kill -9 and a restart).
// `burst` writes one message/row at a time (idempotent producer, acks=all; prepared INSERTs) for up to
// 60 s or until the server goes away, recording every acknowledged value; kill -9 the server meanwhile.
// `verify-burst` checks that every acknowledged value survived. Exits non-zero on any mismatch.
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

async function kafkaBurst(kafka) {
  const topic = 'smoke-burst';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const acked = [];
  const run = Date.now();
  try {
    for (let i = 0; Date.now() - run < 60000; i++) {
      const value = `${run}-${i}`;
      await producer.send({ topic, acks: -1, messages: [{ value }] });
      acked.push(value);
      if (i % 20 === 0) saveState({ kafkaBurst: { topic, acked } });
    }
  } catch (err) {
    console.log(`send failed after ${acked.length} acknowledged messages: ${err.message}`);
  }
  saveState({ kafkaBurst: { topic, acked } });
  console.log(`kafka: ${acked.length} acknowledged messages recorded`);
  // After a kill -9 the producer may still be retrying against the dead broker: do not wait for it.
  await Promise.race([producer.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
}

async function kafkaVerifyBurst(kafka) {
  const { kafkaBurst: s } = readState();
  if (!s) throw new Error('no kafka burst state: run with `burst` first');
  const missing = new Set(s.acked);
  const admin = kafka.admin();
  await admin.connect();
  const [{ high }] = await admin.fetchTopicOffsets(s.topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `smoke-burst-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: s.topic, fromBeginning: true });
  await new Promise((resolveAll, rejectAll) => {
    const timer = setTimeout(() => rejectAll(new Error('topic not read to the end within 60s')), 60000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          missing.delete(message.value.toString());
          if (BigInt(message.offset) + 1n >= BigInt(high)) {
            clearTimeout(timer);
            resolveAll();
          }
        },
      })
      .catch(rejectAll);
  });
  await consumer.disconnect();
  check(missing.size === 0, `kafka: all ${s.acked.length} acknowledged messages survived (${missing.size} missing)`);
}

async function cassandraBurst(client) {
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS smoke WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute('CREATE TABLE IF NOT EXISTS smoke.burst (k text PRIMARY KEY, v int)');
  const acked = [];
  const run = Date.now();
  try {
    for (let i = 0; Date.now() - run < 60000; i++) {
      const key = `${run}-${i}`;
      await client.execute('INSERT INTO smoke.burst (k, v) VALUES (?, ?)', [key, i], { prepare: true });
      acked.push(key);
      if (i % 50 === 0) saveState({ cassandraBurst: { acked } });
    }
  } catch (err) {
    console.log(`insert failed after ${acked.length} acknowledged rows: ${err.message}`);
  }
  saveState({ cassandraBurst: { acked } });
  console.log(`cassandra: ${acked.length} acknowledged rows recorded`);
}

async function cassandraVerifyBurst(client) {
  const { cassandraBurst: s } = readState();
  if (!s) throw new Error('no cassandra burst state: run with `burst` first');
  let missing = 0;
  for (const key of s.acked) {
    const row = (await client.execute('SELECT v FROM smoke.burst WHERE k = ?', [key], { prepare: true })).first();
    if (!row) missing++;
  }
  check(missing === 0, `cassandra: all ${s.acked.length} acknowledged rows survived (${missing} missing)`);
}

async function cassandraRun(verify) {
  const contactPoints = need('CASSANDRA_CONTACT_POINTS').split(',');
  const client = new cassandra.Client({ contactPoints, localDataCenter: need('CASSANDRA_LOCAL_DC') });
  await client.connect();
  try {
    if (mode === 'burst') return await cassandraBurst(client);
    if (mode === 'verify-burst') return await cassandraVerifyBurst(client);
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
if (!['write', 'verify', 'burst', 'verify-burst'].includes(mode)) throw new Error(`unknown mode ${mode}`);
if (which === 'kafka' || which === 'all') {
  const kafka = new Kafka({
    clientId: 'smoke',
    brokers: need('KAFKA_BROKERS').split(','),
    logLevel: mode === 'burst' ? logLevel.NOTHING : logLevel.WARN,
    ...(mode === 'burst' ? { retry: { retries: 1, initialRetryTime: 100 } } : {}),
  });
  const run = { write: kafkaWrite, verify: kafkaVerify, burst: kafkaBurst, 'verify-burst': kafkaVerifyBurst }[mode];
  await run(kafka);
}
if (which === 'cassandra' || which === 'all') await cassandraRun(verify);
console.log('smoke check passed');
process.exit(0);
