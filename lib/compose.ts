/**
 * The composition root: the only place that chooses adapters. Embedded adapters by default (local
 * mode); MongoDB + NATS when MONGO_URL/NATS_URL are set, Kafka + Cassandra when KAFKA_BROKERS and
 * CASSANDRA_CONTACT_POINTS are set.
 */
import type Dockerode from 'dockerode';
import { createAuthenticator } from './auth/authenticator.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { createPasswordHasher } from './auth/passwords.ts';
import { createTokenService } from './auth/tokens.ts';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import { createEventAdapters, eventConfigFromEnv } from './events/compose.ts';
import type { EventBusClient } from './events/event-bus.ts';
import type { EventHistory } from './events/event-history.ts';
import { createDockerClient, createDockerSwarm } from './swarm/docker.ts';
import { withSharedReads } from './swarm/shared-reads.ts';
import { createUserStore } from './users/compose.ts';

export interface Composition {
  deps: Deps;
  bus: EventBusClient;
  history: EventHistory;
  /** 'embedded' or 'cluster', per store. */
  modes: { users: 'embedded' | 'cluster'; events: 'embedded' | 'cluster' };
  /** A client for the engine's event stream (no request timeout). */
  engineEvents(): Dockerode;
  close(): Promise<void>;
}

export async function createDeps(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Composition> {
  const engine = config.dockerHost ? { host: config.dockerHost } : {};
  const userStore = await createUserStore(config);
  let events;
  try {
    events = await createEventAdapters({ ...eventConfigFromEnv(env), dataDir: config.dataDir });
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
    modes: { users: config.mongoUrl ? 'cluster' : 'embedded', events: events.mode },
    engineEvents: () => createDockerClient(engine, 0),
    async close() {
      await events.close();
      await userStore.close();
    },
  };
}
