/**
 * Deps for handler tests: the real embedded adapters in a fresh temp dir, real Argon2id and tokens.
 * Only the Swarm is a recording stand-in, for unit tests that must prove a handler did or did not
 * reach the engine; the Swarm adapter itself is tested against the real engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createEmbeddedAlertStore } from '../lib/alerts/alert-store/embedded.ts';
import { createWebhookClient, type WebhookSettings } from '../lib/alerts/webhook.ts';
import { createEmbeddedApiTokenStore } from '../lib/auth/api-token-store/embedded.ts';
import { createAuthenticator } from '../lib/auth/authenticator.ts';
import { createEmbeddedAttemptStore } from '../lib/auth/attempt-store/embedded.ts';
import { createLoginThrottle, type ThrottleLimits } from '../lib/auth/login-throttle.ts';
import { createPasswordHasher } from '../lib/auth/passwords.ts';
import { createTokenService } from '../lib/auth/tokens.ts';
import type { Deps } from '../lib/deps.ts';
import { createMemoryEventBus } from '../lib/events/event-bus/memory.ts';
import type { Event } from '../lib/events/event.ts';
import { createEmbeddedEventHistory } from '../lib/events/event-history/embedded.ts';
import { PERMISSIONS, type Permission } from '../lib/permissions.ts';
import { directServices } from '../lib/swarm/live-services.ts';
import { createPolicyGate } from '../lib/swarm/policy-gate.ts';
import type { DockerServiceSpec, ServiceDetail, Swarm } from '../lib/swarm/swarm.ts';
import { createEmbeddedUserStore } from '../lib/users/user-store/embedded.ts';

export interface SwarmCall {
  method: string;
  args: unknown[];
}

/** A Swarm whose every call is recorded and answered by `answers[method]`, or fails if none is given. */
export function recordingSwarm(answers: Partial<Record<keyof Swarm, (...args: any[]) => unknown>> = {}): Swarm & { calls: SwarmCall[] } {
  const calls: SwarmCall[] = [];
  return new Proxy({ calls } as Swarm & { calls: SwarmCall[] }, {
    get(target, prop) {
      if (prop === 'calls') return calls;
      if (prop === 'then') return undefined;
      return async (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        const answer = answers[prop as keyof Swarm];
        if (!answer) throw new Error(`unexpected Swarm.${String(prop)} call`);
        return answer(...args);
      };
    },
  });
}

export interface TestDeps extends Deps {
  published: Event[];
  secret: Uint8Array;
  cleanup(): Promise<void>;
  /** The stored account id of a user, for tokens a test issues itself. */
  accountId(username: string): Promise<string>;
  /** Creates a user with a password and permissions; returns a Bearer header for it. */
  addUser(username: string, permissions: readonly string[], password?: string): Promise<{ authorization: string; token: string }>;
}

export async function createTestDeps(
  options: { swarm?: Swarm; throttle?: Partial<ThrottleLimits>; now?: () => number; webhooks?: Partial<WebhookSettings>; sessionMaxSeconds?: number } = {},
): Promise<TestDeps> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deps-'));
  const users = createEmbeddedUserStore({ dataDir });
  const secret = new Uint8Array(randomBytes(32));
  const tokens = createTokenService({
    secret,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sessionMaxSeconds ? { sessionMaxSeconds: options.sessionMaxSeconds } : {}),
  });
  const passwords = createPasswordHasher();
  const bus = createMemoryEventBus();
  const published: Event[] = [];
  await bus.subscribe((e) => published.push(e));
  const history = createEmbeddedEventHistory({ dataDir });
  const alerts = createEmbeddedAlertStore({ dataDir });
  const attempts = createEmbeddedAttemptStore({ dataDir, ...(options.now ? { now: options.now } : {}) });
  const apiTokens = createEmbeddedApiTokenStore({ dataDir });
  const swarm = options.swarm ?? recordingSwarm();
  const clock = () => new Date(options.now?.() ?? Date.now());
  const deps: TestDeps = {
    users,
    swarm,
    services: directServices(swarm),
    gate: createPolicyGate(swarm),
    events: bus,
    history,
    passwords,
    tokens,
    authenticator: createAuthenticator({ tokens, users, apiTokens, now: clock }),
    apiTokens,
    loginThrottle: createLoginThrottle({
      store: attempts,
      secret,
      ...(options.throttle ? { limits: options.throttle } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
    http: { allowedOrigins: [], trustProxy: false, trustedProxies: [] },
    alerts,
    webhooks: createWebhookClient(options.webhooks),
    now: clock,
    published,
    secret,
    async cleanup() {
      await bus.close();
      await history.close();
      await alerts.close();
      await apiTokens.close();
      await users.close();
      await attempts.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async accountId(username) {
      const user = await users.get(username);
      if (!user) throw new Error(`no user ${username}`);
      return user.id;
    },
    async addUser(username, permissions, password = 'correct horse battery') {
      await users.create({ username, passwordHash: await passwords.hash(password), permissions: [...permissions] as Permission[], tokenVersion: 0, createdAt: new Date().toISOString() });
      const { token } = await tokens.issue({ username, accountId: await deps.accountId(username), tokenVersion: 0 });
      return { authorization: `Bearer ${token}`, token };
    },
  };
  return deps;
}

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSIONS;

/** A JSON POST for `app.request()`. */
export function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/**
 * A ServiceDetail as `Swarm.inspectService` answers it, for `recordingSwarm` answers: service `svc1` named
 * after the spec, at version 7, replicated with one replica, no tasks. `over` replaces summary fields.
 */
export function serviceDetail(spec: DockerServiceSpec, over: Partial<ServiceDetail['service']> = {}): ServiceDetail {
  return {
    service: {
      id: 'svc1',
      name: spec.Name ?? 'web',
      image: 'local/busybox:1',
      mode: 'replicated',
      replicas: { desired: 1, running: 1 },
      ports: [],
      labels: {},
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
      version: 7,
      spec,
      ...over,
    },
    tasks: [],
  };
}
