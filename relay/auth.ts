/**
 * Authentication of a connected client (docs/api.md, "Authentication"): the token came with the handshake
 * (Bearer header or session cookie), or comes as the first message `{"type":"auth","token":"…"}`. A credential
 * in the handshake that fails is final. A client has `authTimeoutMs` to be authenticated; a store that answers
 * too slowly counts as unavailable (4503), a client that sent nothing as unauthenticated (4401).
 *
 * The only message a client may ever send is another auth message: it swaps the token the periodic re-check
 * uses, so a client with a refreshed token keeps its stream. Anything else closes with 1008.
 *
 * The cap on streams per user is checked in `onAuthorized` (relay.ts), where the user is first known.
 */
import type { RawData } from 'ws';
import type { Event } from '../lib/events/event.ts';
import { holdsAny } from '../lib/permissions.ts';
import type { Client, Ending, Log, RelayCode } from './client.ts';
import type { Clock, Timer } from './clock.ts';

export interface Principal {
  username: string;
  permissions: string[];
}

export type Authenticate = (token: string) => Promise<Principal>;

/** events.read in any form: unscoped, or scoped (`events.read:stack=shop`), which the stream then filters. */
export const hasEventsRead = (p: Principal): boolean => Array.isArray(p?.permissions) && holdsAny(p, 'events.read');

/** The filter of a principal's events (undefined: every event), from its current permissions. */
export type ScopeFor = (p: Principal) => ((event: Event) => boolean) | undefined;

const errorCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;

/** What to tell a client whose token could not be checked: a bad token is the client's problem, anything
 *  else the store's, and the client should retry. */
export const authFailure = (e: unknown, log: Log): { code: RelayCode; message: string } => {
  const code = errorCode(e);
  if (code === 'unauthenticated' || code === 'invalid_credentials') return { code: 'unauthenticated', message: 'Invalid or expired token' };
  if (code !== 'store_unavailable') log('relay: authenticate failed', { error: String(e) });
  return { code: 'store_unavailable', message: 'Cannot check the token now; retry later' };
};

export interface AuthOptions {
  authenticate: Authenticate;
  authTimeoutMs: number;
  ending: Ending;
  clock: Clock;
  log: Log;
  /** The client's event filter, set whenever its permissions are read. Default: every event. */
  scopeFor?: ScopeFor;
  /** Runs once per client, when its first token is accepted; the stream starts here. */
  onAuthorized(c: Client): Promise<void>;
}

export interface Auth {
  /** Starts a client's auth window; `handshakeToken` is what the upgrade carried (null: malformed). */
  admit(c: Client, handshakeToken: string | undefined | null): void;
  onMessage(c: Client, data: RawData, isBinary: boolean): void;
  forget(c: Client): void;
}

/** Sets or clears a client's event filter (an absent property, not `undefined`, under exactOptionalPropertyTypes). */
export const setSees = (c: Client, sees: ((event: Event) => boolean) | undefined): void => {
  if (sees) c.sees = sees;
  else delete c.sees;
};

export function createAuth(o: AuthOptions): Auth {
  const { authenticate, ending, log } = o;
  const timers = new Map<Client, Timer>();
  const inFlight = new Set<Client>();

  const authorize = async (c: Client, token: string): Promise<void> => {
    inFlight.add(c);
    let principal: Principal;
    try {
      principal = await authenticate(token);
    } catch (e) {
      const f = authFailure(e, log);
      ending.fail(c, f.code, f.message);
      return;
    } finally {
      inFlight.delete(c);
    }
    if (c.state === 'closed') return;
    if (!hasEventsRead(principal)) {
      ending.fail(c, 'forbidden', 'events.read is required');
      return;
    }
    c.token = token;
    c.username = principal.username;
    setSees(c, o.scopeFor?.(principal));
    if (c.state === 'authenticating') {
      timers.get(c)?.cancel();
      timers.delete(c);
      await o.onAuthorized(c);
    }
  };

  const start = (c: Client, token: string): void => {
    void authorize(c, token).catch((e: unknown) => {
      log('relay: stream failed', { error: String(e) });
      ending.fail(c, 'store_unavailable', 'Internal relay error');
    });
  };

  return {
    admit(c, handshakeToken) {
      if (handshakeToken === null) return ending.fail(c, 'unauthenticated', 'Malformed Authorization header');
      timers.set(
        c,
        o.clock.after(o.authTimeoutMs, () => {
          timers.delete(c);
          if (c.state !== 'authenticating') return;
          if (inFlight.has(c)) ending.fail(c, 'store_unavailable', 'Authentication timed out; retry later');
          else ending.fail(c, 'unauthenticated', `No {"type":"auth"} message within ${o.authTimeoutMs} ms`);
        }),
      );
      if (handshakeToken !== undefined) start(c, handshakeToken);
    },

    onMessage(c, data, isBinary) {
      if (c.state === 'closed') return;
      if (isBinary) return ending.fail(c, 'protocol', 'Only text messages are accepted');
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return ending.fail(c, 'protocol', 'Messages must be JSON');
      }
      const m = message as { type?: unknown; token?: unknown };
      if (typeof message !== 'object' || message === null || m.type !== 'auth') {
        return ending.fail(c, 'protocol', 'The only message a client may send is {"type":"auth","token":"…"}');
      }
      if (typeof m.token !== 'string' || m.token.length === 0) return ending.fail(c, 'protocol', 'auth needs a token string');
      if (inFlight.has(c)) return ending.fail(c, 'protocol', 'One auth message at a time');
      start(c, m.token);
    },

    forget(c) {
      timers.get(c)?.cancel();
      timers.delete(c);
    },
  };
}
