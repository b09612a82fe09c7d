/**
 * Turns a token into the principal behind it. Permissions are read from the store on every call
 * (never from the token), and a token whose version or account id differs from the user's is dead: a user
 * deleted and created again under the same name is another account.
 */
import { AppError } from '../errors.ts';
import { grantable, type Permission } from '../permissions.ts';
import type { UserStore } from '../users/user-store.ts';
import { API_TOKEN_PATTERN, LAST_USE_INTERVAL_MS, hashApiToken, isApiToken, type ApiTokenStore } from './api-tokens.ts';
import type { TokenService } from './tokens.ts';

export interface Principal {
  username: string;
  permissions: Permission[];
  /** The session behind this request: its account, token version, when the token was issued and when the session began (seconds). */
  session?: { accountId: string; tokenVersion: number; issuedAt: number; sessionStartedAt: number };
  /** Set when the request came with an API token (`sdt_…`): such a caller cannot create tokens or change passwords. */
  apiToken?: { id: string };
}

export interface Authenticator {
  /** Throws AppError('unauthenticated'), or 'store_unavailable' when the store does not answer. */
  authenticate(token: string): Promise<Principal>;
}

export function createAuthenticator(deps: { tokens: TokenService; users: UserStore; apiTokens?: ApiTokenStore; now?: () => Date }): Authenticator {
  const { tokens, users, apiTokens } = deps;
  const now = deps.now ?? (() => new Date());
  const dead = () => new AppError('unauthenticated', 'Unknown, expired or revoked API token');

  /**
   * One store read per request (by the hash, the primary key), not cached: a revoke deletes the record, so it holds
   * on every replica at the next request. The effective permissions are the token's that the owner still holds,
   * from the owner's record as the permission cache serves it (kept fresh across replicas over NATS).
   */
  async function fromApiToken(token: string): Promise<Principal> {
    if (!apiTokens || !API_TOKEN_PATTERN.test(token)) throw dead();
    const record = await apiTokens.findByHash(hashApiToken(token));
    const at = now();
    if (!record || Date.parse(record.expiresAt) <= at.getTime()) throw dead();
    const owner = await users.get(record.owner);
    if (!owner || owner.id !== record.accountId) throw dead();
    if (record.lastUsedAt === null || at.getTime() - Date.parse(record.lastUsedAt) >= LAST_USE_INTERVAL_MS) {
      await apiTokens.touch(record.id, at.toISOString());
    }
    const permissions = record.permissions.filter((p) => grantable(owner.permissions, p)) as Permission[];
    return { username: owner.username, permissions, apiToken: { id: record.id } };
  }

  return {
    async authenticate(token) {
      if (isApiToken(token)) return fromApiToken(token);
      const claims = await tokens.verify(token);
      const user = await users.get(claims.username);
      if (!user || user.id !== claims.accountId || user.tokenVersion !== claims.tokenVersion) {
        throw new AppError('unauthenticated', 'Session ended; log in again');
      }
      const { accountId, issuedAt, sessionStartedAt } = claims;
      return { username: user.username, permissions: user.permissions, session: { accountId, tokenVersion: user.tokenVersion, issuedAt, sessionStartedAt } };
    },
  };
}
