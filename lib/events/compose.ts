/**
 * Chooses the event adapters: Kafka + Cassandra when brokers and contact points are both set (lib/config.ts reads
 * them), otherwise the memory bus and the embedded history in DATA_DIR. Called by the composition root only.
 */
import type { EventBusClient } from './event-bus.ts';
import type { EventHistory } from './event-history.ts';

/** SASL for every Kafka connection (KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM). */
export interface KafkaSasl {
  mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  username: string;
  password: string;
}

/** Cassandra's PasswordAuthenticator (CASSANDRA_USERNAME, CASSANDRA_PASSWORD). */
export interface CassandraCredentials {
  username: string;
  password: string;
}

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
  kafkaSasl?: KafkaSasl;
  cassandraCredentials?: CassandraCredentials;
  /** Retention: embedded deletes older events, Cassandra writes with this TTL. Default 30. */
  ttlDays?: number;
}

export interface EventAdapters {
  mode: 'embedded' | 'cluster';
  bus: EventBusClient;
  history: EventHistory;
  close(): Promise<void>;
}

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
      ...(config.kafkaSasl ? { sasl: config.kafkaSasl } : {}),
    });
    let history: EventHistory;
    try {
      history = await createCassandraEventHistory({
        contactPoints: config.cassandraContactPoints,
        localDataCenter: config.cassandraLocalDc ?? 'datacenter1',
        ttlSeconds: ttlDays * 86_400,
        ...(config.cassandraKeyspace ? { keyspace: config.cassandraKeyspace } : {}),
        ...(config.cassandraReplicationFactor ? { replicationFactor: config.cassandraReplicationFactor } : {}),
        ...(config.cassandraCredentials ? { credentials: config.cassandraCredentials } : {}),
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
