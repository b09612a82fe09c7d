/**
 * The composition root: the only place that chooses adapters, for all six kinds of process. Embedded adapters
 * by default (local mode); MongoDB + NATS when their URLs are set (users and alerts in MongoDB), Kafka + Cassandra
 * when brokers and contact points are set (lib/config.ts reads them).
 */
import type Dockerode from 'dockerode';
import { createAlertStore } from './alerts/compose.ts';
import type { AlertStore } from './alerts/alert-store.ts';
import { createWebhookClient, type WebhookClient } from './alerts/webhook.ts';
import type { ApiTokenStore } from './auth/api-tokens.ts';
import { createEmbeddedApiTokenStore } from './auth/api-token-store/embedded.ts';
import { createMongoApiTokenStore } from './auth/api-token-store/mongo.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import type { AttemptStore } from './auth/attempt-store.ts';
import { createEmbeddedAttemptStore } from './auth/attempt-store/embedded.ts';
import { createMongoAttemptStore } from './auth/attempt-store/mongo.ts';
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
import { createLiveServices, directServices, type LiveServices } from './swarm/live-services.ts';
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

/** The login throttle's counts: beside the users (MongoDB when MONGO_URL is set, else SQLite in DATA_DIR). */
const createAttemptStore = (config: Config): AttemptStore =>
  config.mongoUrl ? createMongoAttemptStore({ url: config.mongoUrl }) : createEmbeddedAttemptStore({ dataDir: config.dataDir });

/** API tokens: beside the users, so every replica of the cluster sees a revoke at once (no cache in front). */
const createApiTokenStore = async (config: Config): Promise<ApiTokenStore> =>
  config.mongoUrl ? createMongoApiTokenStore({ url: config.mongoUrl }) : createEmbeddedApiTokenStore({ dataDir: config.dataDir });

const engineOf = (config: { dockerHost: string | undefined; dockerApiToken: string | undefined }) => ({
  ...(config.dockerHost ? { host: config.dockerHost } : {}),
  ...(config.dockerApiToken ? { apiToken: config.dockerApiToken } : {}),
});

/** What local mode, a function and the relay use. */
export async function createDeps(config: Config): Promise<Composition> {
  const engine = engineOf(config);
  // Each store opened is closed again, newest first, when a later one fails: a failed start leaks no connection.
  const opened: Array<{ close(): Promise<void> }> = [];
  const open = async <T extends { close(): Promise<void> }>(make: () => Promise<T>): Promise<T> => {
    try {
      const made = await make();
      opened.unshift(made);
      return made;
    } catch (e) {
      for (const store of opened) await store.close();
      throw e;
    }
  };
  const userStore = await open(() => createUserStore(config));
  const alerts = await open(() => createAlertStore(config, { onFirstUse: true }));
  const apiTokens = await open(() => createApiTokenStore(config));
  const events = await open(() => createEventAdapters(config.events));
  const { users } = userStore;
  const attempts = createAttemptStore(config);
  const swarm = withSharedReads(createDockerSwarm(engine));
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.tokenTtlSeconds, sessionMaxSeconds: config.sessionMaxSeconds });
  // Live state needs the engine's events on the bus: local mode's own producer, or Kafka. Started on first use,
  // so only the processes that list services (local mode, list-services replicas) subscribe.
  const liveState = config.role === 'local' || events.mode === 'cluster';
  let services: LiveServices | undefined;
  const serviceList = () =>
    (services ??= liveState
      ? createLiveServices({ swarm, events: events.bus, onError: (e) => console.error(JSON.stringify({ level: 'warn', msg: 'live service list', error: String(e) })) })
      : directServices(swarm));
  const deps: Deps = {
    users,
    swarm,
    services: { read: () => serviceList().read() },
    // NOTE: the dashboard's own port stays reserved: a service publishing it on the routing mesh would take
    // its traffic on every node.
    gate: createPolicyGate(swarm, { reservedPorts: [config.port], allowedPorts: config.policyAllowedPorts, portRange: config.policyPortRange }),
    events: events.bus,
    history: events.history,
    passwords: createPasswordHasher(),
    tokens,
    authenticator: createAuthenticator({ tokens, users, apiTokens }),
    apiTokens,
    loginThrottle: createLoginThrottle({ store: attempts, secret: config.jwtSecret }),
    http: { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy, trustedProxies: config.trustedProxies },
    alerts,
    webhooks: createWebhookClient(config.alerts),
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
      await services?.close();
      await events.close();
      await alerts.close();
      await apiTokens.close();
      await attempts.close();
      await userStore.close();
    },
  };
}

export interface WorkerComposition {
  bus: EventBusClient;
  /** The consumer's history; the producer has none. */
  history: EventHistory | undefined;
  /** The alerts worker's store and webhook client; the others have none. */
  alerts?: { store: AlertStore; webhooks: WebhookClient };
  /** A client for the engine's event stream (no request timeout). */
  engineEvents(): Dockerode;
  close(): Promise<void>;
}

/** What the producer (the Kafka bus), the consumer (Kafka and Cassandra) and the alerts worker (Kafka and MongoDB) use. */
export async function createWorkerDeps(config: WorkerConfig, onError: (e: unknown) => void): Promise<WorkerComposition> {
  const engine = engineOf(config);
  const engineEvents = () => createDockerClient(engine, 0);
  if (config.role === 'producer' || config.role === 'alerts') {
    const { kafkaBrokers, kafkaTopic, kafkaSasl } = config.events;
    const bus = await createKafkaEventBus({
      brokers: kafkaBrokers ?? [],
      ...(kafkaTopic ? { topic: kafkaTopic } : {}),
      ...(kafkaSasl ? { sasl: kafkaSasl } : {}),
      onError,
    });
    if (config.role === 'producer') return { bus, history: undefined, engineEvents, close: () => bus.close() };
    let store: AlertStore;
    try {
      store = await createAlertStore({ dataDir: config.dataDir, mongoUrl: config.mongoUrl });
    } catch (e) {
      await bus.close().catch(() => {});
      throw e;
    }
    const close = async () => void (await Promise.allSettled([bus.close(), store.close()]));
    return { bus, history: undefined, alerts: { store, webhooks: createWebhookClient(config.alerts) }, engineEvents, close };
  }
  const adapters = await createEventAdapters(config.events);
  return { bus: adapters.bus, history: adapters.history, engineEvents, close: adapters.close };
}
