import { randomUUID } from 'node:crypto';
import { eventBusContract } from '../event-bus.contract.ts';
import { createKafkaEventBus } from './kafka.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  console.error('KAFKA_BROKERS is not set: start Kafka with scripts/servers/kafka.sh start and export what it prints');
  process.exit(1);
}

eventBusContract('kafka', {
  async create() {
    const options = { brokers: brokers.split(','), topic: `test-events-${randomUUID()}`, partitions: 3, onError: () => {} };
    const bus = await createKafkaEventBus(options);
    return { bus, peer: () => createKafkaEventBus(options) };
  },
  timeoutMs: 15_000,
});
