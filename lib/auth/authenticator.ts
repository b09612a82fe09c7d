/**
 * Turns a token into the principal behind it. Permissions are read from the store on every call
 * (never from the token), and a token whose version or account id differs from the user's is dead: a user
 * deleted and created again under the same name is another account.
 */
import { AppError } from '../errors.ts';
import type { Permission } from '../permissions.ts';
import type { UserStore } from '../users/user-store.ts';
import type { TokenService } from './tokens.ts';

export interface Principal {
  username: string;
  permissions: Permission[];
  /** The session behind this request: its account, token version, when the token was issued and when the session began (seconds). */
  session?: { accountId: string; tokenVersion: number; issuedAt: number; sessionStartedAt: number };
}

export interface Authenticator {
  /** Throws AppError('unauthenticated'), or 'store_unavailable' when the store does not answer. */
  authenticate(token: string): Promise<Principal>;
}

export function createAuthenticator(deps: { tokens: TokenService; users: UserStore }): Authenticator {
  const { tokens, users } = deps;
  return {
    async authenticate(token) {
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
