/**
 * One relay client and how it ends. Every part ends a client through the same two doors, so the wire contract
 * holds wherever the reason comes from: a refusal the client can act on (an `{"type":"error"}` message, then
 * close code 4000 + the HTTP status), or a terminate for a client that does not keep up, since a close handshake
 * would queue behind the very backlog it failed to read.
 */
import { WebSocket } from 'ws';
import type { Event } from '../lib/events/event.ts';
import type { ErrorCode } from '../lib/errors.ts';

/** Close codes: 4000 + the HTTP status of the error code, 1008 for a message the relay does not accept. */
export const CLOSE_CODES = {
  validation_failed: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  rate_limited: 4429,
  store_unavailable: 4503,
  protocol: 1008,
  going_away: 1001,
} as const;

export type RelayCode = 'validation_failed' | 'unauthenticated' | 'forbidden' | 'rate_limited' | 'store_unavailable';
export type ClientState = 'authenticating' | 'replaying' | 'live' | 'closed';

export interface Client {
  readonly ws: WebSocket;
  state: ClientState;
  /** Where the replay starts, in nanoseconds (from `?since=`). */
  since: bigint;
  /** The token the periodic re-check uses; a later auth message swaps it (a refreshed token keeps the stream). */
  token?: string;
  username?: string;
  /** Which events the client may see, for a holder of only scoped events.read; absent: every event. */
  sees?: (event: Event) => boolean;
}

export type Log = (message: string, fields?: Record<string, unknown>) => void;

export interface Ending {
  /** Refuses: an error message, then the close code of `code`. */
  fail(c: Client, code: RelayCode | 'protocol', message: string): void;
  /** Terminates a client that does not keep up. */
  drop(c: Client, why: string): void;
  /** Marks the client closed and lets every part forget it; for a socket that is already going away. */
  finish(c: Client): void;
}

export const newClient = (ws: WebSocket): Client => ({ ws, state: 'authenticating', since: 0n });

/** `onFinish` runs once per client, whichever door it left by; parts release their per-client state there. */
export function createEnding(options: { log: Log; onFinish(c: Client): void }): Ending {
  const { log, onFinish } = options;
  const finish = (c: Client): void => {
    if (c.state === 'closed') return;
    c.state = 'closed';
    onFinish(c);
  };
  return {
    finish,
    drop(c, why) {
      if (c.state === 'closed') return;
      log('relay: client terminated', { reason: why, user: c.username });
      finish(c);
      c.ws.terminate();
    },
    fail(c, code, message) {
      if (c.state === 'closed') return;
      finish(c);
      const errCode: ErrorCode = code === 'protocol' ? 'validation_failed' : code;
      if (c.ws.readyState === WebSocket.OPEN) {
        c.ws.send(JSON.stringify({ type: 'error', error: { code: errCode, message } }));
        c.ws.close(CLOSE_CODES[code], errCode);
      } else {
        c.ws.terminate();
      }
    },
  };
}
