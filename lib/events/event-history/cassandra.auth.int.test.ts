/**
 * The Cassandra history against a node that requires authentication (scripts/servers/cassandra-auth.sh:
 * PasswordAuthenticator and CassandraAuthorizer, the role `dashboard` with CREATE on all keyspaces): a client
 * without credentials is refused, the history with the credentials from lib/config.ts writes and reads, the
 * consumer worker's composition carries events from Kafka with SASL into it, and wrong credentials fail the
 * start with an error that names Cassandra and holds no password.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, Client } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWorkerDeps } from '../../compose.ts';
import { loadWorkerConfig } from '../../config.ts';
import { testEvent, waitFor } from '../test-events.ts';
import { cassandraConnectError, createCassandraEventHistory } from './cassandra.ts';

const points = process.env.CASSANDRA_AUTH_CONTACT_POINTS;
const localDataCenter = process.env.CASSANDRA_AUTH_LOCAL_DC ?? 'datacenter1';
const username = process.env.CASSANDRA_AUTH_USERNAME;
const password = process.env.CASSANDRA_AUTH_PASSWORD;
if (!points || !username || !password) {
  console.log('SKIPPED cassandra.auth.int.test.ts: CASSANDRA_AUTH_CONTACT_POINTS, CASSANDRA_AUTH_USERNAME and CASSANDRA_AUTH_PASSWORD are not set; start the node with `bash scripts/servers.sh start cassandra-auth` and export what it prints (scripts/test.sh does)');
  process.exit(0);
}
const contactPoints = points.split(',');
const keyspace = `events_auth_${Date.now().toString(36)}`;
const credentials = { username, password };

const test = suite<{ dir: string }>('Cassandra event history against a node that requires authentication', { dir: '' });
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'cassandra-auth-'));
  writeFileSync(join(ctx.dir, 'cassandra-password'), `${password}\n`, { mode: 0o600 });
});
test.after(async ({ dir }) => {
  rmSync(dir, { recursive: true, force: true });
  const client = new Client({ contactPoints, localDataCenter, authProvider: new auth.PlainTextAuthProvider(username, password) });
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).finally(() => client.shutdown());
});

test('should refuse a client without credentials, and name Cassandra and the settings in the error', async () => {
  const error = await createCassandraEventHistory({ contactPoints, localDataCenter, keyspace }).then(
    async (history) => (await history.close(), undefined),
    (e: unknown) => e as Error,
  );
  assert.ok(error, 'connected without credentials');
  assert.match(error.message, new RegExp(`^Cassandra at ${points} requires authentication \\(set CASSANDRA_USERNAME and CASSANDRA_PASSWORD\\)`));
});

test('should write and read the history with the credentials read from CASSANDRA_PASSWORD_FILE', async ({ dir }) => {
  const config = loadWorkerConfig(
    {
      DATA_DIR: dir, KAFKA_BROKERS: '127.0.0.1:1', CASSANDRA_CONTACT_POINTS: points, CASSANDRA_LOCAL_DC: localDataCenter, CASSANDRA_KEYSPACE: keyspace,
      CASSANDRA_USERNAME: username, CASSANDRA_PASSWORD_FILE: join(dir, 'cassandra-password'),
    },
    'consumer',
  );
  assert.equal(config.events.cassandraCredentials, credentials);
  const history = await createCassandraEventHistory({ contactPoints, localDataCenter, keyspace, table: 'direct', ttlSeconds: 600, credentials: config.events.cassandraCredentials! });
  try {
    const events = [testEvent(5_000n, 1), testEvent(6_000n, 2)];
    await history.append(events);
    const page = await history.range({ since: 0n });
    assert.equal(page.events.map((e) => e.id), events.map((e) => e.id));
  } finally {
    await history.close();
  }
});

test('should carry events from Kafka into Cassandra in the consumer worker, both with credentials', async ({ dir }) => {
  const brokers = process.env.KAFKA_AUTH_BROKERS;
  const kafkaUser = process.env.KAFKA_AUTH_USERNAME;
  const kafkaPassword = process.env.KAFKA_AUTH_PASSWORD;
  if (!brokers || !kafkaUser || !kafkaPassword) {
    console.log('SKIPPED the consumer worker case: KAFKA_AUTH_* are not set (bash scripts/servers.sh start kafka-auth)');
    return;
  }
  writeFileSync(join(dir, 'kafka-password'), `${kafkaPassword}\n`, { mode: 0o600 });
  const topic = `test-auth-consumer-${randomUUID()}`;
  const env = {
    DATA_DIR: dir, KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic, KAFKA_USERNAME: kafkaUser, KAFKA_PASSWORD_FILE: join(dir, 'kafka-password'),
    CASSANDRA_CONTACT_POINTS: points, CASSANDRA_LOCAL_DC: localDataCenter, CASSANDRA_KEYSPACE: keyspace,
    CASSANDRA_USERNAME: username, CASSANDRA_PASSWORD_FILE: join(dir, 'cassandra-password'),
  };
  const consumer = await createWorkerDeps(loadWorkerConfig(env, 'consumer'), () => {});
  const producer = await createWorkerDeps(loadWorkerConfig(env, 'producer'), () => {});
  const errors: unknown[] = [];
  const stored: string[] = [];
  // What workers/consumer/run.ts does with the composition: the group's batches into the history.
  const subscription = await consumer.bus.consume(`auth-${randomUUID()}`, async (events) => {
    await consumer.history!.append(events).catch((e: unknown) => (errors.push(e), Promise.reject(e)));
    stored.push(...events.map((e) => e.id));
  });
  try {
    const sent = [testEvent(7_000n, 3, { actor: 'consumer-auth' })];
    await producer.bus.publish(sent);
    await waitFor('the event in Cassandra', () => stored.includes(sent[0]!.id), 30_000);
    const page = await consumer.history!.range({ since: 7_000n, until: 7_000n, actor: 'consumer-auth' });
    assert.equal(page.events.map((e) => e.id), [sent[0]!.id]);
    assert.equal(errors, []);
  } finally {
    await subscription.close();
    await producer.close();
    await consumer.close();
    const admin = new Kafka({ brokers: brokers.split(','), sasl: { mechanism: 'scram-sha-512', username: kafkaUser, password: kafkaPassword }, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {}).finally(() => admin.disconnect());
  }
});

test('should fail the start with a clear error naming Cassandra, without the password, for wrong credentials', async () => {
  const wrong = `${password}Wrong9f3a`;
  const error = await createCassandraEventHistory({ contactPoints, localDataCenter, keyspace, credentials: { username, password: wrong } }).then(
    async (history) => (await history.close(), undefined),
    (e: unknown) => e as Error,
  );
  assert.ok(error, 'connected with a wrong password');
  assert.match(error.message, new RegExp(`^Cassandra at ${points} refused the credentials \\(check CASSANDRA_USERNAME and CASSANDRA_PASSWORD\\)`));
  assert.not.ok(error.message.includes(wrong) || error.message.includes(password), 'a password in the error');
  // The mapping keeps the server's message; a plain error (no auth involved) still names the server.
  assert.match(cassandraConnectError(new Error('connect ECONNREFUSED'), contactPoints, true).message, new RegExp(`^Cassandra at ${points} is unavailable: connect ECONNREFUSED`));
});

test.run();
