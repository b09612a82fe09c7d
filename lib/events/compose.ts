/**
 * Chooses the event adapters: Kafka + Cassandra when KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS are both set,
 * otherwise the memory bus and the embedded history in DATA_DIR. The only place that imports them.
 */
import type { EventBusClient } from './event-bus.ts';
import type { EventHistory } from './event-history.ts';

export interface EventConfig {
  dataDir: string;
  kafkaBrokers?: string[];
  kafkaTopic?: string;
  kafkaPartitions?: number;
  /** Replication of a topic the bus creates; default: the broker's default.replication.factor. */
  kafkaReplicationFactor?: number;
  cassandraContactPoints?: string[];
  cassandraLocalDc?: string;
  cassandraKeyspace?: string;
  cassandraReplicationFactor?: number;
  /** Retention: embedded deletes older events, Cassandra writes with this TTL. Default 30. */
  ttlDays?: number;
}

export interface EventAdapters {
  mode: 'embedded' | 'cluster';
  bus: EventBusClient;
  history: EventHistory;
  close(): Promise<void>;
}

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

/** Reads EventConfig from the environment (DATA_DIR, KAFKA_*, CASSANDRA_*, EVENTS_*). Throws on bad values. */
export const eventConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): EventConfig => {
  const config: EventConfig = { dataDir: env.DATA_DIR || './data' };
  const brokers = list(env.KAFKA_BROKERS);
  const points = list(env.CASSANDRA_CONTACT_POINTS);
  if (brokers) config.kafkaBrokers = brokers;
  if (points) config.cassandraContactPoints = points;
  if (env.KAFKA_TOPIC) config.kafkaTopic = env.KAFKA_TOPIC;
  const partitions = int('KAFKA_PARTITIONS', env.KAFKA_PARTITIONS);
  if (partitions !== undefined) config.kafkaPartitions = partitions;
  const replication = int('KAFKA_REPLICATION_FACTOR', env.KAFKA_REPLICATION_FACTOR);
  if (replication !== undefined) config.kafkaReplicationFactor = replication;
  if (env.CASSANDRA_LOCAL_DC) config.cassandraLocalDc = env.CASSANDRA_LOCAL_DC;
  if (env.CASSANDRA_KEYSPACE) config.cassandraKeyspace = env.CASSANDRA_KEYSPACE;
  const rf = int('CASSANDRA_REPLICATION_FACTOR', env.CASSANDRA_REPLICATION_FACTOR);
  if (rf !== undefined) config.cassandraReplicationFactor = rf;
  const ttl = int('EVENTS_TTL_DAYS', env.EVENTS_TTL_DAYS);
  if (ttl !== undefined) config.ttlDays = ttl;
  return config;
};

/** Connects the adapters for `config`; cluster mode when both Kafka brokers and Cassandra contact points are set. */
export const createEventAdapters = async (config: EventConfig): Promise<EventAdapters> => {
  const ttlDays = config.ttlDays ?? 30;
  if (config.kafkaBrokers?.length && config.cassandraContactPoints?.length) {
    const { createKafkaEventBus } = await import('./event-bus/kafka.ts');
    const { createCassandraEventHistory } = await import('./event-history/cassandra.ts');
    const bus = await createKafkaEventBus({
      brokers: config.kafkaBrokers,
      ...(config.kafkaTopic ? { topic: config.kafkaTopic } : {}),
      ...(config.kafkaPartitions ? { partitions: config.kafkaPartitions } : {}),
      ...(config.kafkaReplicationFactor ? { replicationFactor: config.kafkaReplicationFactor } : {}),
    });
    let history: EventHistory;
    try {
      history = await createCassandraEventHistory({
        contactPoints: config.cassandraContactPoints,
        localDataCenter: config.cassandraLocalDc ?? 'datacenter1',
        ttlSeconds: ttlDays * 86_400,
        ...(config.cassandraKeyspace ? { keyspace: config.cassandraKeyspace } : {}),
        ...(config.cassandraReplicationFactor ? { replicationFactor: config.cassandraReplicationFactor } : {}),
      });
    } catch (e) {
      await bus.close().catch(() => {});
      throw e;
    }
    return { mode: 'cluster', bus, history, close: async () => void (await Promise.allSettled([bus.close(), history.close()])) };
  }
  const { createMemoryEventBus } = await import('./event-bus/memory.ts');
  const { createEmbeddedEventHistory } = await import('./event-history/embedded.ts');
  const bus = createMemoryEventBus();
  const history = createEmbeddedEventHistory({ dataDir: config.dataDir, retentionDays: ttlDays });
  return { mode: 'embedded', bus, history, close: async () => void (await Promise.allSettled([bus.close(), history.close()])) };
};
