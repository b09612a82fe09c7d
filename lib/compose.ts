/**
 * The composition root: the only place that chooses adapters, for all five kinds of process. Embedded adapters
 * by default (local mode); MongoDB + NATS when their URLs are set, Kafka + Cassandra when brokers and contact
 * points are set (lib/config.ts reads them).
 */
import type Dockerode from 'dockerode';
import { createAuthenticator } from './auth/authenticator.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { createPasswordHasher } from './auth/passwords.ts';
import { createTokenService } from './auth/tokens.ts';
import type { Config, WorkerConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { createEventAdapters } from './events/compose.ts';
import type { EventBusClient } from './events/event-bus.ts';
import { createKafkaEventBus } from './events/event-bus/kafka.ts';
import type { EventHistory } from './events/event-history.ts';
import { createDockerClient, createDockerSwarm } from './swarm/docker.ts';
import { createPolicyGate } from './swarm/policy-gate.ts';
import { withSharedReads } from './swarm/shared-reads.ts';
import { createUserStore } from './users/compose.ts';
import type { UserChanges } from './users/invalidations.ts';

export interface Composition {
  deps: Deps;
  bus: EventBusClient;
  history: EventHistory;
  /** Changes to users as this process learns of them (its own writes, other replicas' over NATS). */
  userChanges: UserChanges;
  /** 'embedded' or 'cluster', per store. */
  modes: { users: 'embedded' | 'cluster'; events: 'embedded' | 'cluster' };
  /** A client for the engine's event stream (no request timeout). */
  engineEvents(): Dockerode;
  close(): Promise<void>;
}

const engineOf = (config: { dockerHost: string | undefined }) => (config.dockerHost ? { host: config.dockerHost } : {});

/** What local mode, a function and the relay use. */
export async function createDeps(config: Config): Promise<Composition> {
  const engine = engineOf(config);
  const userStore = await createUserStore(config);
  let events;
  try {
    events = await createEventAdapters(config.events);
  } catch (e) {
    await userStore.close();
    throw e;
  }
  const { users } = userStore;
  const swarm = withSharedReads(createDockerSwarm(engine));
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.tokenTtlSeconds });
  const deps: Deps = {
    users,
    swarm,
    gate: createPolicyGate(swarm),
    events: events.bus,
    history: events.history,
    passwords: createPasswordHasher(),
    tokens,
    authenticator: createAuthenticator({ tokens, users }),
    loginThrottle: createLoginThrottle(),
    http: { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy },
    now: () => new Date(),
  };
  return {
    deps,
    bus: events.bus,
    history: events.history,
    userChanges: userStore.changes,
    modes: { users: config.mongoUrl ? 'cluster' : 'embedded', events: events.mode },
    engineEvents: () => createDockerClient(engine, 0),
    async close() {
      await events.close();
      await userStore.close();
    },
  };
}

export interface WorkerComposition {
  bus: EventBusClient;
  /** The consumer's history; the producer has none. */
  history: EventHistory | undefined;
  /** A client for the engine's event stream (no request timeout). */
  engineEvents(): Dockerode;
  close(): Promise<void>;
}

/** What the producer (the Kafka bus) and the consumer (Kafka and Cassandra) use. */
export async function createWorkerDeps(config: WorkerConfig, onError: (e: unknown) => void): Promise<WorkerComposition> {
  const engine = engineOf(config);
  const engineEvents = () => createDockerClient(engine, 0);
  if (config.role === 'producer') {
    const { kafkaBrokers, kafkaTopic } = config.events;
    const bus = await createKafkaEventBus({ brokers: kafkaBrokers ?? [], ...(kafkaTopic ? { topic: kafkaTopic } : {}), onError });
    return { bus, history: undefined, engineEvents, close: () => bus.close() };
  }
  const adapters = await createEventAdapters(config.events);
  return { bus: adapters.bus, history: adapters.history, engineEvents, close: adapters.close };
}
