/**
 * Session tokens: HS256 JWTs (RFC 8725): the algorithm, issuer and audience pinned on verify,
 * `exp`/`iat`/`sub` required, lifetime at most 15 minutes. A token carries the user's token version and account
 * id (`uid`); the authenticator compares both with the stored ones on every request, so old tokens die at once,
 * and a token of a deleted user never works for a new user of the same name. It also carries when its session
 * started (`sst`): renewed tokens keep that time, and no token of a session outlives `sessionMaxSeconds`.
 */
import { SignJWT, jwtVerify, errors } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';

export const TOKEN_ISSUER = 'swarm-dashboard';
export const TOKEN_AUDIENCE = 'swarm-dashboard-api';
export const MAX_TOKEN_TTL_SECONDS = 15 * 60;
/** The default absolute lifetime of a browser session, however often its token is renewed. */
export const DEFAULT_SESSION_MAX_SECONDS = 12 * 60 * 60;

export interface TokenClaims {
  username: string;
  /** The account's id (`User.id`), never reused. */
  accountId: string;
  tokenVersion: number;
}

export interface VerifiedToken extends TokenClaims {
  /** Seconds since the epoch. */
  issuedAt: number;
  /** When the session began (the login), seconds since the epoch. */
  sessionStartedAt: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
  /** Seconds from now to `expiresAt`, for the cookie's Max-Age. */
  maxAgeSeconds: number;
}

export interface TokenService {
  /**
   * A token for a new session, or, with `sessionStartedAt`, a renewal of that session: it expires at the
   * session's end at the latest. Throws AppError('unauthenticated') when that end has passed.
   */
  issue(claims: TokenClaims & { sessionStartedAt?: number }): Promise<IssuedToken>;
  /** Throws AppError('unauthenticated') for any token that is not ours, expired or malformed. */
  verify(token: string): Promise<VerifiedToken>;
  readonly ttlSeconds: number;
  readonly sessionMaxSeconds: number;
}

/** How many verified tokens a process remembers (about 0.5 KB each). */
const VERIFIED_CACHE_SIZE = 4096;

interface Verified {
  result: VerifiedToken;
  exp: number;
  nbf: number | undefined;
}

export function createTokenService(options: { secret: Uint8Array; ttlSeconds?: number; sessionMaxSeconds?: number; now?: () => number }): TokenService {
  const { secret } = options;
  if (!(secret instanceof Uint8Array) || secret.length < 32) {
    throw new Error('The token signing secret must be at least 256 bits (32 bytes)');
  }
  const ttlSeconds = options.ttlSeconds ?? MAX_TOKEN_TTL_SECONDS;
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_TOKEN_TTL_SECONDS)) {
    throw new Error(`Token lifetime must be between 1 and ${MAX_TOKEN_TTL_SECONDS} seconds`);
  }
  const sessionMaxSeconds = options.sessionMaxSeconds ?? DEFAULT_SESSION_MAX_SECONDS;
  if (!(Number.isSafeInteger(sessionMaxSeconds) && sessionMaxSeconds >= ttlSeconds)) {
    throw new Error(`The session lifetime must be an integer of at least the token lifetime (${ttlSeconds} s)`);
  }
  const now = options.now ?? Date.now;
  // NOTE: jose imports a raw Uint8Array secret as a key on every call; importing it once saves ~20% of an
  // authenticated read. Not extractable, usable only for HS256.
  const key = crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

  // A token is immutable: once its signature and claims passed, only the clock can end it. Verified tokens are
  // remembered (keyed by their SHA-256, so a lookup reveals nothing about a valid token) and only the
  // time-bound checks run again, the same ones jose makes: HMAC over WebCrypto was the largest CPU cost of an
  // authenticated request beside the password hashes. Revocation is the authenticator's version check, per request.
  const verified = new Map<string, Verified>();
  const stillValid = ({ result, exp, nbf }: Verified): boolean => {
    const at = now();
    const seconds = Math.floor(at / 1000);
    const age = seconds - result.issuedAt;
    return exp > seconds && (nbf === undefined || nbf <= seconds) && age >= 0 && age <= ttlSeconds && at / 1000 < result.sessionStartedAt + sessionMaxSeconds;
  };

  return {
    ttlSeconds,
    sessionMaxSeconds,
    async issue({ username, accountId, tokenVersion, sessionStartedAt }) {
      const iat = Math.floor(now() / 1000);
      const sst = sessionStartedAt ?? iat;
      const exp = Math.min(iat + ttlSeconds, sst + sessionMaxSeconds);
      if (exp <= iat) throw new AppError('unauthenticated', 'Session reached its maximum lifetime; log in again');
      const token = await new SignJWT({ ver: tokenVersion, uid: accountId, sst })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(username)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(await key);
      return { token, expiresAt: new Date(exp * 1000).toISOString(), maxAgeSeconds: exp - iat };
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        throw new AppError('unauthenticated', 'Missing or malformed token');
      }
      const digest = createHash('sha256').update(token).digest('base64');
      const known = verified.get(digest);
      if (known && stillValid(known)) {
        // One turn of the event loop, as the WebCrypto verify took: I/O already arrived (another replica's
        // revocation over NATS) is handled before the authenticator reads its user cache.
        await new Promise((resolve) => setImmediate(resolve));
        return { ...known.result };
      }
      verified.delete(digest);
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: ['HS256'],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          typ: 'JWT',
          requiredClaims: ['exp', 'iat', 'sub'],
          maxTokenAge: ttlSeconds,
          currentDate: new Date(now()),
        });
        const { ver, uid, sst } = payload as { ver?: unknown; uid?: unknown; sst?: unknown };
        // NOTE: tokens from before account ids and session starts carry neither: their users log in again.
        if (typeof payload.sub !== 'string' || !Number.isSafeInteger(ver) || typeof uid !== 'string' || !uid || !Number.isSafeInteger(sst)) {
          throw new AppError('unauthenticated', 'Malformed token claims');
        }
        if (now() / 1000 >= (sst as number) + sessionMaxSeconds || (sst as number) > payload.iat!) {
          throw new AppError('unauthenticated', 'Session reached its maximum lifetime; log in again');
        }
        const result = { username: payload.sub, accountId: uid, tokenVersion: ver as number, issuedAt: payload.iat!, sessionStartedAt: sst as number };
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(digest, { result, exp: payload.exp!, nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined });
        return { ...result };
      } catch (e) {
        if (e instanceof AppError) throw e;
        const expired = e instanceof errors.JWTExpired;
        throw new AppError('unauthenticated', expired ? 'Token expired' : 'Invalid token');
      }
    },
  };
}
