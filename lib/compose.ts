/**
 * The composition root: the only place that chooses adapters. Embedded adapters by default (local
 * mode); the cluster adapters when their settings are present.
 */
import { createAuthenticator } from './auth/authenticator.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { createPasswordHasher } from './auth/passwords.ts';
import { createTokenService } from './auth/tokens.ts';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import type { EventBusClient } from './events/event-bus.ts';
import { createMemoryEventBus } from './events/event-bus/memory.ts';
import type { EventHistory } from './events/event-history.ts';
import { createEmbeddedEventHistory } from './events/event-history/embedded.ts';
import { createDockerSwarm } from './swarm/docker.ts';
import { withSharedReads } from './swarm/shared-reads.ts';
import { createEmbeddedUserStore } from './users/user-store/embedded.ts';

export interface Composition {
  deps: Deps;
  bus: EventBusClient;
  history: EventHistory;
  close(): Promise<void>;
}

export async function createDeps(config: Config): Promise<Composition> {
  const users = createEmbeddedUserStore({ dataDir: config.dataDir });
  const swarm = withSharedReads(createDockerSwarm(config.dockerHost ? { host: config.dockerHost } : {}));
  const bus = createMemoryEventBus();
  const history = createEmbeddedEventHistory({ dataDir: config.dataDir });
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.tokenTtlSeconds });
  const deps: Deps = {
    users,
    swarm,
    events: bus,
    history,
    passwords: createPasswordHasher(),
    tokens,
    authenticator: createAuthenticator({ tokens, users }),
    loginThrottle: createLoginThrottle(),
    http: { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy },
    now: () => new Date(),
  };
  return {
    deps,
    bus,
    history,
    async close() {
      await bus.close();
      await history.close();
      await users.close();
    },
  };
}
