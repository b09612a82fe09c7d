/**
 * Turns a token into the principal behind it. Permissions are read from the store on every call
 * (never from the token), and a token whose version differs from the user's is dead.
 */
import { AppError } from '../errors.ts';
import type { Permission } from '../permissions.ts';
import type { UserStore } from '../users/user-store.ts';
import type { TokenService } from './tokens.ts';

export interface Principal {
  username: string;
  permissions: Permission[];
  /** The session behind this request: its token version and when the token was issued (seconds). */
  session?: { tokenVersion: number; issuedAt: number };
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
      if (!user || user.tokenVersion !== claims.tokenVersion) {
        throw new AppError('unauthenticated', 'Session ended; log in again');
      }
      return { username: user.username, permissions: user.permissions, session: { tokenVersion: user.tokenVersion, issuedAt: claims.issuedAt } };
    },
  };
}
