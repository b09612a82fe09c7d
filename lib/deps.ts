/**
 * What a function may use. Built by `createDeps(config)` (lib/compose.ts), the only place that
 * imports adapters, and by tests with real embedded adapters.
 */
import type { AlertStore } from './alerts/alert-store.ts';
import type { WebhookClient } from './alerts/webhook.ts';
import type { ApiTokenStore } from './auth/api-tokens.ts';
import type { Authenticator } from './auth/authenticator.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { PasswordHasher } from './auth/passwords.ts';
import type { TokenService } from './auth/tokens.ts';
import type { EventBus } from './events/event-bus.ts';
import type { EventHistory } from './events/event-history.ts';
import type { LiveServices } from './swarm/live-services.ts';
import type { PolicyGate } from './swarm/policy-gate.ts';
import type { Swarm } from './swarm/swarm.ts';
import type { UserStore } from './users/user-store.ts';

export interface HttpSettings {
  /** Origins allowed besides the request's own, for cookie-authenticated writes and the WebSocket. */
  allowedOrigins: string[];
  /** Trust X-Forwarded-For/-Proto set by the direct peer (the gateway or the edge proxy). */
  trustProxy: boolean;
  /** Proxies (addresses, CIDR blocks) whose requests' X-Forwarded-For counts, and whose own entries in it are skipped. */
  trustedProxies: string[];
}

export interface Deps {
  users: UserStore;
  swarm: Swarm;
  /** The service list, from live state where the bus carries the engine's events. */
  services: Pick<LiveServices, 'read'>;
  /** The only way to a spec the Swarm port accepts: the security policy, judged for the caller. */
  gate: PolicyGate;
  events: EventBus;
  history: EventHistory;
  passwords: PasswordHasher;
  tokens: TokenService;
  authenticator: Authenticator;
  /** API tokens for automation (hashes only). */
  apiTokens: ApiTokenStore;
  loginThrottle: LoginThrottle;
  http: HttpSettings;
  /** Alert rules and deliveries, and the webhook client that checks targets and sends (test-alert-rule). */
  alerts: AlertStore;
  webhooks: WebhookClient;
  now: () => Date;
}
