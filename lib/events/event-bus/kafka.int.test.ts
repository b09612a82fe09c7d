import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
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
