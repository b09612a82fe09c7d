/**
 * The Kafka EventBus (kafkajs). Topic `swarm-events`, created if missing, keyed by actor id so each object's
 * events stay in order. The producer is idempotent with acks=all and one request in flight.
 * `subscribe` reads from the live end with a group of its own (one per relay instance, no commits);
 * `consume` joins a shared consumer group and commits a batch's offsets only after the handler resolved.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer, type SASLOptions } from 'kafkajs';
import { AppError } from '../../errors.ts';
import type { Event } from '../event.ts';
import type { EventBusClient, Subscription } from '../event-bus.ts';

export interface KafkaEventBusOptions {
  /** `host:port` list, e.g. from KAFKA_BROKERS. */
  brokers: string[];
  topic?: string;
  /** Partitions when the topic is created. Default 3, so up to three consumers share the history work. */
  partitions?: number;
  replicationFactor?: number;
  clientId?: string;
  /** SASL on every connection (KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM); none when unset. */
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
  onError?: (error: unknown) => void;
}

/**
 * What went wrong connecting, naming the server and the settings to check. Built from the error's kind and the
 * broker's own message only: the credentials never reach an error or a log.
 */
export const kafkaConnectError = (e: unknown, brokers: string[], sasl: boolean): Error => {
  const name = (e as { name?: string } | null)?.name ?? '';
  const at = `Kafka at ${brokers.join(',')}`;
  if (name === 'KafkaJSSASLAuthenticationError') {
    return new Error(`${at} refused the SASL credentials (check KAFKA_USERNAME, KAFKA_PASSWORD and KAFKA_SASL_MECHANISM): ${(e as Error).message}`);
  }
  // NOTE: a SASL listener drops a client that skips the handshake without a word; kafkajs sees a closed connection.
  if (!sasl && /closed|Connection error|ECONNRESET|EPIPE/i.test(`${name} ${(e as Error)?.message ?? ''}`)) {
    return new Error(`${at} closed the connection; it may require SASL authentication (set KAFKA_USERNAME and KAFKA_PASSWORD): ${(e as Error).message}`);
  }
  return new Error(`${at} is unavailable: ${e instanceof Error ? e.message : String(e)}`);
};

const isEvent = (v: unknown): v is Event => {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const actor = e.actor as Record<string, unknown> | null;
  return (
    typeof e.id === 'string' &&
    typeof e.timeNano === 'string' &&
    /^[0-9]{1,19}$/.test(e.timeNano) &&
    typeof e.type === 'string' &&
    typeof e.action === 'string' &&
    typeof e.time === 'string' &&
    (e.scope === 'local' || e.scope === 'swarm' || e.scope === 'audit') &&
    typeof actor === 'object' &&
    actor !== null &&
    typeof actor.id === 'string' &&
    typeof actor.attributes === 'object' &&
    actor.attributes !== null
  );
};

/** Decodes one record; a record that is not an Event (foreign writer, corruption) is skipped, never thrown. */
const decode = (value: Buffer | null, onError: (e: unknown) => void): Event | null => {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (isEvent(parsed)) return parsed;
  } catch {
    // fall through
  }
  onError(new Error('skipped a record that is not an Event'));
  return null;
};

/** Connects the producer and creates the topic if missing. */
export const createKafkaEventBus = async (options: KafkaEventBusOptions): Promise<EventBusClient> => {
  if (!options.brokers?.length) throw new Error('createKafkaEventBus: brokers are required (KAFKA_BROKERS)');
  const topic = options.topic ?? 'swarm-events';
  const partitions = options.partitions ?? 3;
  const onError = options.onError ?? ((e) => console.error('kafka event bus:', e));
  const kafka = new Kafka({
    clientId: options.clientId ?? 'swarm-dashboard',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 10 },
    // NOTE: a copy: kafkajs stores its authenticator on the object it is given, bound to that password, and a
    // caller's spread of the original ({ ...sasl, password }) would carry the old one along.
    ...(options.sasl ? { sasl: { mechanism: options.sasl.mechanism, username: options.sasl.username, password: options.sasl.password } as SASLOptions } : {}),
  });

  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    await admin.disconnect().catch(() => {});
    throw kafkaConnectError(e, options.brokers, options.sasl !== undefined);
  }
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? -1 }],
      });
    }
  } finally {
    await admin.disconnect();
  }

  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const consumers = new Set<Consumer>();

  const stopConsumer = async (consumer: Consumer) => {
    if (!consumers.delete(consumer)) return;
    await consumer.disconnect().catch(onError);
  };

  /** Runs `start`; on failure the consumer is disconnected and forgotten before the error propagates. */
  const started = async (consumer: Consumer, start: () => Promise<void>): Promise<Subscription> => {
    try {
      await start();
    } catch (e) {
      await stopConsumer(consumer);
      throw e;
    }
    return { close: () => stopConsumer(consumer) };
  };

  /** Starts `consumer` and resolves once it joined its group and got its partitions. */
  const joined = (consumer: Consumer) =>
    new Promise<void>((resolve, reject) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        offCrash();
        resolve();
      });
      const offCrash = consumer.on(consumer.events.CRASH, (e) => {
        off();
        offCrash();
        reject(e.payload.error);
      });
    });

  return {
    async publish(events) {
      if (events.length === 0) return;
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: events.map((e) => ({ key: e.actor.id, value: JSON.stringify(e) })),
        });
      } catch (e) {
        throw new AppError('store_unavailable', 'event bus unavailable', { cause: e });
      }
    },

    async subscribe(onEvent): Promise<Subscription> {
      // NOTE: a fresh group starts at the latest offset only when it first fetches; seeking to the end offsets
      // read before joining makes "from now on" mean from the moment subscribe was called.
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
      const consumer = kafka.consumer({
        groupId: `relay-${randomUUID()}`,
        maxWaitTimeInMs: 500,
        retry: { retries: 1_000_000, initialRetryTime: 300, maxRetryTime: 5_000 },
      });
      consumers.add(consumer);
      return started(consumer, async () => {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: false });
        const ready = joined(consumer);
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            const event = decode(message.value, onError);
            if (!event) return;
            try {
              onEvent(event);
            } catch (e) {
              onError(e);
            }
          },
        });
        for (const { partition, high } of ends) consumer.seek({ topic, partition, offset: high });
        await ready;
      });
    },

    async consume(group, handler): Promise<Subscription> {
      let closed = false;
      let current: Consumer | undefined;
      let restartTimer: NodeJS.Timeout | undefined;
      const member = async (): Promise<void> => {
        const consumer = kafka.consumer({
          groupId: group,
          maxWaitTimeInMs: 500,
          retry: { retries: 1_000_000, initialRetryTime: 300, maxRetryTime: 5_000, restartOnFailure: async () => true },
        });
        current = consumer;
        consumers.add(consumer);
        // NOTE: kafkajs restarts a crashed consumer only for errors it deems retriable; any other crash would
        // leave this process out of the group for good, so it joins again with a fresh consumer.
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          onError(payload.error);
          if (payload.restart || closed) return;
          void stopConsumer(consumer).then(() => {
            if (!closed) restartTimer = setTimeout(() => void member().catch(onError), 1000);
          });
        });
        await started(consumer, async () => {
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          const ready = joined(consumer);
          await consumer.run({
            // Each partition's batch is written while the others' are: the history's writes wait on Cassandra,
            // not on the CPU. Every batch still commits only its own partition's offsets, after its own write.
            partitionsConsumedConcurrently: partitions,
            // Commits only offsets resolved below, i.e. after the handler's write resolved.
            autoCommit: true,
            autoCommitThreshold: 1,
            eachBatchAutoResolve: false,
            eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
              if (!isRunning() || isStale() || batch.messages.length === 0) return;
              const events: Event[] = [];
              for (const m of batch.messages) {
                const e = decode(m.value, onError);
                if (e) events.push(e);
              }
              if (events.length > 0) {
                try {
                  await handler(events);
                } catch (e) {
                  // Unresolved, uncommitted: kafkajs retries the batch (retriable, so the consumer is kept).
                  // (kafkajs reads `retriable` on the error's deepest `cause`, so this one carries none.)
                  throw Object.assign(new Error(`event handler failed: ${e instanceof Error ? e.message : String(e)}`), { retriable: true });
                }
              }
              resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
              await commitOffsetsIfNecessary();
              await heartbeat();
            },
          });
          await ready;
        });
      };
      await member();
      return {
        close: async () => {
          closed = true;
          clearTimeout(restartTimer);
          if (current) await stopConsumer(current);
        },
      };
    },

    async close() {
      await Promise.all([...consumers].map(stopConsumer));
      await producer.disconnect().catch(onError);
    },
  };
};
