import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testEvent } from '../test-events.ts';
import { eventBusContract } from '../event-bus.contract.ts';
import { createKafkaEventBus } from './kafka.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  console.error('KAFKA_BROKERS is not set: start Kafka with scripts/servers/kafka.sh start and export what it prints');
  process.exit(1);
}
const topics: string[] = [];

eventBusContract('kafka', {
  async create() {
    const topic = `test-events-${randomUUID()}`;
    topics.push(topic);
    const options = { brokers: brokers.split(','), topic, partitions: 3, onError: () => {} };
    const bus = await createKafkaEventBus(options);
    return { bus, peer: () => createKafkaEventBus(options) };
  },
  timeoutMs: 15_000,
  async cleanup() {
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).finally(() => admin.disconnect());
  },
});

const consumer = suite('kafka consume: partitions at once');
const ownTopic = `test-events-${randomUUID()}`;
consumer.after(async () => {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [ownTopic] }).finally(() => admin.disconnect());
});

consumer('should hand the batches of different partitions to the handler at once', async () => {
  const bus = await createKafkaEventBus({ brokers: brokers.split(','), topic: ownTopic, partitions: 3, onError: () => {} });
  try {
    // Keyed by actor: 30 actors fill all three partitions.
    const base = BigInt(Date.now()) * 1_000_000n;
    await bus.publish(Array.from({ length: 30 }, (_, i) => testEvent(base + BigInt(i), i, { actor: `actor-${i}` })));
    let inFlight = 0;
    let most = 0;
    const got = new Set<string>();
    const wake: Array<() => void> = [];
    const sub = await bus.consume(`test-group-${randomUUID()}`, async (events) => {
      most = Math.max(most, ++inFlight);
      while (wake.length) wake.shift()!();
      // A write that takes a while: a second partition's batch arrives meanwhile only if they run at once.
      if (most < 2) await new Promise<void>((r) => (wake.push(r), setTimeout(r, 5_000)));
      for (const e of events) got.add(e.id);
      inFlight--;
    });
    for (const deadline = Date.now() + 30_000; got.size < 30 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    await sub.close();
    assert.is(got.size, 30);
    assert.ok(most >= 2, `at most ${most} batch in flight`);
  } finally {
    await bus.close();
  }
});

consumer.run();
