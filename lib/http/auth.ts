/**
 * Authentication: `Authorization: Bearer` for automation, the session cookie for browsers. A
 * cookie-authenticated write must come from our own origin. Permissions are read per request.
 */
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/authenticator.ts';
import type { Deps } from '../deps.ts';
import { holds, holdsAny, type Permission } from '../permissions.ts';
import { isAllowedOrigin, isHttps, setSessionCookie, tokenFromCookie } from './session.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The token of a request: the Bearer header wins over the cookie (over HTTPS, only `__Host-session`). */
export function requestToken(headers: Headers, secure: boolean): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>"');
    return { token: match[1]!, via: 'bearer' };
  }
  const token = tokenFromCookie(headers.get('cookie'), secure);
  return token ? { token, via: 'cookie' } : undefined;
}

export interface Authenticated {
  principal: Principal;
  via: 'bearer' | 'cookie';
}

type AuthDeps = Pick<Deps, 'authenticator' | 'http' | 'tokens' | 'now'>;

/** Requires a valid session and, unless `'any'`, the permission (any scoped form of it when `scoped`). */
export async function authenticateRequest(c: Context, deps: AuthDeps, permission: Permission | 'any', scoped = false): Promise<Authenticated> {
  const headers = c.req.raw.headers;
  const found = requestToken(headers, isHttps(headers, c.req.url, deps.http));
  if (!found) throw new AppError('unauthenticated', 'Log in first: send a Bearer token or the session cookie');
  if (found.via === 'cookie' && !SAFE_METHODS.has(c.req.method) && !isAllowedOrigin(headers.get('origin'), headers, c.req.url, deps.http)) {
    throw new AppError('forbidden', 'Cross-origin request refused');
  }
  const principal = await deps.authenticator.authenticate(found.token);
  if (permission !== 'any' && !(scoped ? holdsAny(principal, permission) : holds(principal, permission))) {
    throw new AppError('forbidden', `This needs the ${permission} permission`);
  }
  return { principal, via: found.via };
}

/**
 * A browser session slides: past half its life, a cookie-authenticated answer carries a fresh token (same
 * version, so a revoke or a password change still ends it at once). The fresh token keeps the session's start,
 * so the session still ends `sessionMaxSeconds` after the login, however active it is.
 */
export async function slideSession(c: Context, deps: AuthDeps, { principal, via }: Authenticated): Promise<void> {
  const session = principal.session;
  if (via !== 'cookie' || !session || c.res.headers.has('set-cookie')) return;
  const nowSeconds = deps.now().getTime() / 1000;
  if (nowSeconds - session.issuedAt <= deps.tokens.ttlSeconds / 2) return;
  // The current token already runs to the session's end: a new one would not live longer.
  if (session.issuedAt + deps.tokens.ttlSeconds >= session.sessionStartedAt + deps.tokens.sessionMaxSeconds) return;
  const { token, maxAgeSeconds } = await deps.tokens.issue({
    username: principal.username,
    accountId: session.accountId,
    tokenVersion: session.tokenVersion,
    sessionStartedAt: session.sessionStartedAt,
  });
  setSessionCookie(c, token, maxAgeSeconds, deps.http);
}
