/**
 * Login rate limiting (OWASP ASVS V6.3): failures are counted per account+client, per client and
 * per account. Every block is temporary, so an attacker can slow a victim's logins from their own
 * address but never lock the account for good; a success clears the account+client count.
 */
import { AppError } from '../errors.ts';

export interface ThrottleLimits {
  /** Free failures per account+client before backoff starts. */
  pairFreeFailures: number;
  /** First and largest backoff for one account+client, in ms. */
  pairBaseDelayMs: number;
  pairMaxDelayMs: number;
  /** Failures one client may make across all accounts per window. */
  clientFailures: number;
  clientWindowMs: number;
  /** Failures one account may take from all clients per window (ASVS: at most 100 per hour). */
  accountFailures: number;
  accountWindowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  pairFreeFailures: 5,
  pairBaseDelayMs: 1_000,
  pairMaxDelayMs: 15 * 60_000,
  clientFailures: 50,
  clientWindowMs: 15 * 60_000,
  accountFailures: 100,
  accountWindowMs: 60 * 60_000,
};

interface Counter {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

export interface LoginThrottle {
  /** Throws AppError('rate_limited') with retryAfter (seconds) while blocked. */
  check(username: string, client: string): void;
  failed(username: string, client: string): void;
  succeeded(username: string, client: string): void;
}

export function createLoginThrottle(options: { limits?: Partial<ThrottleLimits>; now?: () => number; maxKeys?: number } = {}): LoginThrottle {
  const limits = { ...DEFAULT_THROTTLE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const counters = new Map<string, Counter>();

  const counter = (key: string, windowMs: number): Counter => {
    const t = now();
    let c = counters.get(key);
    if (!c || (t - c.windowStart > windowMs && c.blockedUntil <= t)) {
      c = { failures: 0, windowStart: t, blockedUntil: 0 };
      // NOTE: bounded memory under a spray of random usernames: drop the oldest entries first.
      if (counters.size >= maxKeys) counters.delete(counters.keys().next().value as string);
      counters.set(key, c);
    }
    return c;
  };
  const keys = (username: string, client: string) => ({
    pair: `p\u0000${username}\u0000${client}`,
    client: `c\u0000${client}`,
    account: `a\u0000${username}`,
  });

  return {
    check(username, client) {
      const t = now();
      const k = keys(username, client);
      const blocked = [k.pair, k.client, k.account]
        .map((key) => counters.get(key)?.blockedUntil ?? 0)
        .reduce((a, b) => Math.max(a, b), 0);
      if (blocked > t) {
        const retryAfter = Math.max(1, Math.ceil((blocked - t) / 1000));
        throw new AppError('rate_limited', 'Too many failed logins; try again later', { retryAfter });
      }
    },
    failed(username, client) {
      const t = now();
      const k = keys(username, client);
      const pair = counter(k.pair, limits.pairMaxDelayMs);
      pair.failures++;
      if (pair.failures >= limits.pairFreeFailures) {
        const exponent = pair.failures - limits.pairFreeFailures;
        pair.blockedUntil = t + Math.min(limits.pairMaxDelayMs, limits.pairBaseDelayMs * 2 ** Math.min(exponent, 30));
      }
      const perClient = counter(k.client, limits.clientWindowMs);
      if (++perClient.failures >= limits.clientFailures) perClient.blockedUntil = perClient.windowStart + limits.clientWindowMs;
      const perAccount = counter(k.account, limits.accountWindowMs);
      if (++perAccount.failures >= limits.accountFailures) perAccount.blockedUntil = perAccount.windowStart + limits.accountWindowMs;
    },
    succeeded(username, client) {
      counters.delete(keys(username, client).pair);
    },
  };
}
