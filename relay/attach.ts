/**
 * The relay wired to a composition: it authenticates like the functions do (the same authenticator, cookie
 * and Origin rules). Local mode puts it on its own HTTP server; relay/main.ts runs it alone.
 */
import type { IncomingMessage } from 'node:http';
import type { Composition } from '../lib/compose.ts';
import type { Config } from '../lib/config.ts';
import type { HttpSettings } from '../lib/deps.ts';
import { isAllowedOrigin, isHttps, tokenFromCookie } from '../lib/http/session.ts';
import type { Logger } from '../lib/process.ts';
import { createRelay, type Relay } from './relay.ts';

const headersOf = (req: IncomingMessage): Headers => {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  return headers;
};

const urlOf = (req: IncomingMessage): string => `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;

/** The session token of a handshake, read as the functions read it: over HTTPS only from `__Host-session`. */
export function handshakeCookieToken(cookieHeader: string | undefined, req: IncomingMessage, settings: HttpSettings): string | undefined {
  return tokenFromCookie(cookieHeader, isHttps(headersOf(req), urlOf(req), settings));
}

export function createRelayFor({ deps, bus, history, userChanges }: Composition, config: Pick<Config, 'relay'>, log: Logger): Relay {
  return createRelay({
    bus,
    history,
    // Pushed revocation: a revoke, logout, password change or delete, here or on another replica (NATS), ends
    // the user's streams at once instead of on the next ping tick.
    userChanges,
    // Scoped events.read is judged against the current services (their labels).
    services: deps.services,
    authenticate: (token) => deps.authenticator.authenticate(token),
    tokenFromCookie: (cookieHeader, req) => handshakeCookieToken(cookieHeader, req, deps.http),
    isAllowedOrigin: (origin, req) => isAllowedOrigin(origin, headersOf(req), urlOf(req), deps.http),
    ...config.relay,
    log: (message, fields) => log.warn(`relay: ${message}`, fields),
  });
}
