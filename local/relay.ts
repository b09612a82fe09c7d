import type { IncomingMessage } from 'node:http';
import type { Composition } from '../lib/compose.ts';
import { isAllowedOrigin, tokenFromCookie } from '../lib/http/session.ts';
import { createRelay, type Relay } from '../relay/relay.ts';

/** The relay on the process's own HTTP server, authenticating like the functions do. */
export function createRelayFor({ deps, bus, history }: Composition): Relay {
  const headersOf = (req: IncomingMessage) => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(key, value);
    }
    return headers;
  };
  return createRelay({
    bus,
    history,
    authenticate: (token) => deps.authenticator.authenticate(token),
    tokenFromCookie,
    log: (message, fields) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: `relay: ${message}`, ...fields })),
    isAllowedOrigin: (origin, req) => isAllowedOrigin(origin, headersOf(req), `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, deps.http),
  });
}
