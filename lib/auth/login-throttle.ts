/**
 * Password-guessing limits (OWASP ASVS V6.3; OWASP "Slow Down Online Guessing Attacks with Device Cookies").
 * They throttle the attacker rather than lock the victim out:
 *
 * - A try is reserved before the password is checked (Argon2 takes tens of ms) and counts as a failure until
 *   it succeeds, so a burst of parallel guesses gets no more tries than the limits, however many arrive at once.
 * - A browser that has logged in as the user before carries a device cookie (a signed token naming the user,
 *   valid 90 days). Its tries count only against that device: growing delays after 5 failures. Nothing an
 *   attacker does elsewhere slows it down, so the real administrator gets in even when every client shares one
 *   address (local mode: 127.0.0.1) and the account's budget for unknown clients is spent.
 * - Without it, a try counts against the account and client pair (growing delays after 5 failures, 1 s doubling
 *   to 15 min), the client across accounts (50 per 15 min) and the account across unknown clients (100 per
 *   hour). Every block is temporary.
 * - `change-password` tries count against the account (growing delays after 5 failures), so a stolen session
 *   cannot guess the current password.
 *
 * Counts live in an AttemptStore that every replica shares; see ./attempt-store.ts.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { AppError } from '../errors.ts';
import type { AttemptStore } from './attempt-store.ts';
import { TOKEN_ISSUER } from './tokens.ts';

export interface ThrottleLimits {
  /** Free failures per account+client, device or password change before delays start. */
  pairFreeFailures: number;
  /** First and largest delay between tries after that, in ms; the delay doubles with each failure. */
  pairBaseDelayMs: number;
  pairMaxDelayMs: number;
  /** How long a failure counts toward the delays. */
  pairForgetMs: number;
  /** Failures one client may make across all accounts per window. */
  clientFailures: number;
  clientWindowMs: number;
  /** Failures one account may take from clients without its device cookie per window (ASVS: at most 100 per hour). */
  accountFailures: number;
  accountWindowMs: number;
  /** How long a device cookie is honoured. */
  deviceTtlSeconds: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  pairFreeFailures: 5,
  pairBaseDelayMs: 1_000,
  pairMaxDelayMs: 15 * 60_000,
  pairForgetMs: 60 * 60_000,
  clientFailures: 50,
  clientWindowMs: 15 * 60_000,
  accountFailures: 100,
  accountWindowMs: 60 * 60_000,
  deviceTtlSeconds: 90 * 86_400,
};

export const DEVICE_AUDIENCE = 'swarm-dashboard-device';

/** One reserved password check. */
export interface PasswordCheck {
  /** The password was right: gives back the reserved tries and answers a device token for the client to keep. */
  succeeded(): Promise<{ deviceToken: string; maxAgeSeconds: number }>;
  /** The password was wrong: the reservation stays, counted as the failure. */
  failed(): void;
}

export interface PasswordAttempt {
  username: string;
  client: string;
  /** The device cookie the client sent, if any. */
  deviceToken?: string | undefined;
  purpose?: 'login' | 'change-password';
}

export interface LoginThrottle {
  /** Reserves one password check before it runs. Throws AppError('rate_limited') with retryAfter (seconds). */
  reserve(attempt: PasswordAttempt): Promise<PasswordCheck>;
}

interface Slot {
  key: string;
  n: number;
  /** Give back only this record (a budget), or clear the key (a backoff sequence). */
  clear: boolean;
}

const limited = (waitMs: number) =>
  new AppError('rate_limited', 'Too many failed password checks; try again later', { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) });

export function createLoginThrottle(options: { store: AttemptStore; secret: Uint8Array; limits?: Partial<ThrottleLimits>; now?: () => number }): LoginThrottle {
  const { store } = options;
  const limits = { ...DEFAULT_THROTTLE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const key = crypto.subtle.importKey('raw', options.secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

  /** Growing delays: the next record is allowed once the delay after the newest live one has passed. */
  const reserveInSequence = async (seqKey: string): Promise<Slot> => {
    for (let round = 0; round < 3; round++) {
      const t = now();
      const records = await store.list(seqKey);
      const live = records.filter((r) => r.expiresAt > t);
      if (live.length >= limits.pairFreeFailures) {
        const delay = Math.min(limits.pairMaxDelayMs, limits.pairBaseDelayMs * 2 ** Math.min(live.length - limits.pairFreeFailures, 30));
        const allowedAt = Math.max(...live.map((r) => r.at)) + delay;
        if (t < allowedAt) throw limited(allowedAt - t);
      }
      // NOTE: numbers only grow while any record is left (expired ones too), so an old number is never reused.
      const n = (records.at(-1)?.n ?? 0) + 1;
      if (await store.add(seqKey, { n, at: t, expiresAt: t + limits.pairForgetMs })) return { key: seqKey, n, clear: true };
      // Another try took this number first: look again, its record may start a delay.
    }
    throw limited(limits.pairBaseDelayMs);
  };

  /**
   * A budget of `capacity` tries per fixed window: a free number from 1 to capacity, taken at random. Inserts
   * are cheap and lists are not (FerretDB scans), so it tries numbers first and lists the taken ones only after
   * two collisions.
   */
  const reserveInWindow = async (budgetKey: string, capacity: number, windowMs: number): Promise<Slot> => {
    const t = now();
    const window = Math.floor(t / windowMs);
    const windowKey = `${budgetKey}|${window}`;
    const end = (window + 1) * windowMs;
    const taken = new Set<number>();
    let listed = false;
    for (let round = 0; round < capacity + 2; round++) {
      if (!listed && round >= 2) {
        for (const r of await store.list(windowKey)) taken.add(r.n);
        listed = true;
      }
      const free = Array.from({ length: capacity }, (_, i) => i + 1).filter((n) => !taken.has(n));
      if (free.length === 0) break;
      const n = free[Math.floor(Math.random() * free.length)]!;
      if (await store.add(windowKey, { n, at: t, expiresAt: end })) return { key: windowKey, n, clear: false };
      taken.add(n);
    }
    throw limited(end - t);
  };

  const release = (slots: Slot[]) => Promise.all(slots.map((s) => store.remove(s.key, s.clear ? undefined : s.n)));

  /** The device id, when `token` is a device token of `username` that we issued and that has not expired. */
  const deviceOf = async (token: string | undefined, username: string): Promise<string | undefined> => {
    if (!token || token.length > 2048) return undefined;
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: DEVICE_AUDIENCE,
        typ: 'device+jwt',
        requiredClaims: ['exp', 'sub', 'jti'],
        currentDate: new Date(now()),
      });
      return payload.sub === username ? payload.jti : undefined;
    } catch {
      return undefined;
    }
  };

  const issueDevice = async (username: string): Promise<string> => {
    const iat = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'device+jwt' })
      .setSubject(username)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(DEVICE_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + limits.deviceTtlSeconds)
      .setJti(randomUUID())
      .sign(await key);
  };

  return {
    async reserve({ username, client, deviceToken, purpose = 'login' }) {
      const slots: Slot[] = [];
      const take = async (slot: Promise<Slot>) => slots.push(await slot);
      try {
        if (purpose === 'change-password') {
          await take(reserveInSequence(`cp|${username}`));
        } else {
          const device = await deviceOf(deviceToken, username);
          if (device) {
            await take(reserveInSequence(`d|${device}`));
          } else {
            await take(reserveInSequence(`p|${username}|${client}`));
            await take(reserveInWindow(`c|${client}`, limits.clientFailures, limits.clientWindowMs));
            await take(reserveInWindow(`a|${username}`, limits.accountFailures, limits.accountWindowMs));
          }
        }
      } catch (e) {
        // A refused try costs nothing: what it had reserved goes back.
        await release(slots).catch(() => {});
        throw e;
      }
      return {
        async succeeded() {
          await release(slots);
          return { deviceToken: await issueDevice(username), maxAgeSeconds: limits.deviceTtlSeconds };
        },
        failed() {},
      };
    },
  };
}
