/**
 * The Kafka bus against a broker that requires SASL (scripts/servers/kafka-auth.sh: SCRAM-SHA-512 for clients,
 * the listeners of stack.yml's brokers): a client without credentials is refused, the producer worker's
 * composition with the credentials from lib/config.ts publishes and a consumer group reads, and wrong
 * credentials fail the start with an error that names Kafka and holds no password.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWorkerDeps } from '../../compose.ts';
import { loadWorkerConfig } from '../../config.ts';
import type { Event } from '../event.ts';
import { testEvent, waitFor } from '../test-events.ts';
import { createKafkaEventBus, kafkaConnectError } from './kafka.ts';

const brokers = process.env.KAFKA_AUTH_BROKERS;
const username = process.env.KAFKA_AUTH_USERNAME;
const password = process.env.KAFKA_AUTH_PASSWORD;
const mechanism = (process.env.KAFKA_AUTH_MECHANISM ?? 'scram-sha-512') as 'scram-sha-512';
if (!brokers || !username || !password) {
  console.log('SKIPPED kafka.auth.int.test.ts: KAFKA_AUTH_BROKERS, KAFKA_AUTH_USERNAME and KAFKA_AUTH_PASSWORD are not set; start the broker with `bash scripts/servers.sh start kafka-auth` and export what it prints (scripts/test.sh does)');
  process.exit(0);
}
const list = brokers.split(',');
const topic = `test-auth-${randomUUID()}`;
const sasl = { mechanism, username, password };

const test = suite<{ dir: string }>('Kafka event bus against a broker that requires SASL', { dir: '' });
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'kafka-auth-'));
});
test.after(async ({ dir }) => {
  rmSync(dir, { recursive: true, force: true });
  const admin = new Kafka({ brokers: list, sasl, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {}).finally(() => admin.disconnect());
});

test('should refuse a client without credentials, and name Kafka and SASL in the error', async () => {
  const admin = new Kafka({ brokers: list, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 }).admin();
  const error = await admin.connect().then(() => admin.listTopics()).then(() => undefined, (e: unknown) => e);
  await admin.disconnect().catch(() => {});
  assert.ok(error, 'listed the topics without credentials');
  const clear = kafkaConnectError(error, list, false);
  assert.match(clear.message, new RegExp(`^Kafka at ${brokers} closed the connection; it may require SASL authentication \\(set KAFKA_USERNAME and KAFKA_PASSWORD\\)`));
});

test('should publish and consume with the SCRAM credentials the producer reads from KAFKA_PASSWORD_FILE', async ({ dir }) => {
  writeFileSync(join(dir, 'kafka-password'), `${password}\n`, { mode: 0o600 });
  const config = loadWorkerConfig(
    { DATA_DIR: dir, KAFKA_BROKERS: brokers, KAFKA_TOPIC: topic, KAFKA_USERNAME: username, KAFKA_PASSWORD_FILE: join(dir, 'kafka-password') },
    'producer',
  );
  const producer = await createWorkerDeps(config, () => {});
  const reader = await createKafkaEventBus({ brokers: list, topic, sasl, onError: () => {} });
  try {
    const seen: Event[] = [];
    const subscription = await reader.consume(`auth-${randomUUID()}`, async (events) => void seen.push(...events));
    const sent = [testEvent(1_000n, 1), testEvent(2_000n, 2)];
    await producer.bus.publish(sent);
    await waitFor('the two events through the group', () => seen.length >= 2, 20_000);
    assert.equal(seen.map((e) => e.id).sort(), sent.map((e) => e.id).sort());
    await subscription.close();
  } finally {
    await producer.close();
    await reader.close();
  }
});

test('should fail the start with a clear error naming Kafka, without the password, for wrong credentials', async () => {
  const wrong = `${password}-wrong-9f3a`;
  const t0 = Date.now();
  const error = await createKafkaEventBus({ brokers: list, topic, sasl: { ...sasl, password: wrong }, onError: () => {} }).then(
    async (bus) => (await bus.close(), undefined),
    (e: unknown) => e as Error,
  );
  const ms = Date.now() - t0;
  assert.ok(error, 'connected with a wrong password');
  assert.match(error.message, new RegExp(`^Kafka at ${brokers} refused the SASL credentials \\(check KAFKA_USERNAME, KAFKA_PASSWORD and KAFKA_SASL_MECHANISM\\)`));
  assert.not.ok(error.message.includes(wrong) || error.message.includes(password), 'a password in the error');
  assert.ok(ms < 10_000, `took ${ms} ms: an authentication failure is not retried`);
  console.log(`wrong credentials refused in ${ms} ms`);
});

test.run();
