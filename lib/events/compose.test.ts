import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEventAdapters, eventConfigFromEnv } from './compose.ts';
import { testEvent } from './test-events.ts';

const config = suite('eventConfigFromEnv');

config('should read the cluster settings and lists', () => {
  assert.equal(
    eventConfigFromEnv({
      DATA_DIR: '/d', KAFKA_BROKERS: 'a:1, b:2', CASSANDRA_CONTACT_POINTS: 'c:3', CASSANDRA_LOCAL_DC: 'dc',
      CASSANDRA_KEYSPACE: 'ks', CASSANDRA_REPLICATION_FACTOR: '3', KAFKA_TOPIC: 't', KAFKA_PARTITIONS: '6', EVENTS_TTL_DAYS: '7',
    }),
    {
      dataDir: '/d', kafkaBrokers: ['a:1', 'b:2'], cassandraContactPoints: ['c:3'], cassandraLocalDc: 'dc', cassandraKeyspace: 'ks',
      cassandraReplicationFactor: 3, kafkaTopic: 't', kafkaPartitions: 6, ttlDays: 7,
    },
  );
});

config('should default to the embedded settings', () => {
  assert.equal(eventConfigFromEnv({}), { dataDir: './data' });
});

config('should refuse a bad number with the variable name', () => {
  assert.throws(() => eventConfigFromEnv({ EVENTS_TTL_DAYS: 'thirty' }), /EVENTS_TTL_DAYS/);
  assert.throws(() => eventConfigFromEnv({ CASSANDRA_REPLICATION_FACTOR: '-1' }), /CASSANDRA_REPLICATION_FACTOR/);
});

config.run();

const adapters = suite('createEventAdapters');

adapters('should pick the memory bus and the embedded history unless both cluster settings are set', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'compose-'));
  try {
    const a = await createEventAdapters({ dataDir, kafkaBrokers: ['127.0.0.1:1'] });
    assert.is(a.mode, 'embedded');
    const stored: string[] = [];
    await a.bus.consume('g', async (events) => void stored.push(...events.map((e) => e.id)));
    const e = testEvent(BigInt(Date.now()) * 1_000_000n, 1);
    await a.bus.publish([e]);
    assert.equal(stored, [e.id]);
    await a.history.append([e]);
    assert.is((await a.history.range({})).events.length, 1);
    await a.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

adapters.run();
