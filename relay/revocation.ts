/**
 * Revocation and liveness: a stream outlives the check that opened it, so on every ping tick the relay re-reads
 * each streaming client's permissions and closes it with 4401 (the token stopped working) or 4403 (events.read
 * was taken away). A re-check that has not answered by the next tick fails closed (4503) rather than let the
 * stream run unchecked. The same tick pings: a client that did not answer the previous ping is terminated, and
 * so is one whose socket holds more than the backpressure bound.
 *
 * `onRevoked` re-checks one user's clients at once: the relay calls it for every change to a user that its
 * process learns of (lib/users/invalidations.ts `UserChanges`), so a revoke, a logout, a password change or a
 * delete ends the stream within a store round trip, not a ping interval. `onAnyChange` re-checks everyone, for
 * when the change channel itself broke and changes may have been missed.
 */
import type { Authenticate } from './auth.ts';
import { authFailure, hasEventsRead, setSees, type ScopeFor } from './auth.ts';
import type { Client, Ending, Log } from './client.ts';
import type { Clock } from './clock.ts';

export interface RevocationOptions {
  authenticate: Authenticate;
  pingIntervalMs: number;
  /** True when the client's socket holds more than the backpressure bound. */
  overloaded(c: Client): boolean;
  ending: Ending;
  clock: Clock;
  log: Log;
  /** The client's event filter from its re-read permissions. */
  scopeFor?: ScopeFor;
}

export interface Revocation {
  /** Starts pinging and re-checking an authenticated client. */
  watch(c: Client): void;
  forget(c: Client): void;
  /** Re-checks the clients of `username` now instead of on the next tick. */
  onRevoked(username: string): void;
  /** Re-checks every client now. */
  onAnyChange(): void;
  /** Stops the tick. */
  stop(): void;
}

export function createRevocation(o: RevocationOptions): Revocation {
  const { authenticate, ending, log } = o;
  const watched = new Map<Client, { alive: boolean; rechecking: boolean; again: boolean }>();

  const recheck = async (c: Client): Promise<void> => {
    const w = watched.get(c);
    if (!w || c.token === undefined) return;
    if (w.rechecking) {
      // NOTE: the check in flight may have read the user before this change: run one more once it answers,
      // or a revoke that lands during a tick's re-check would wait for the next tick.
      w.again = true;
      return;
    }
    w.rechecking = true;
    try {
      do {
        w.again = false;
        const principal = await authenticate(c.token);
        if (!hasEventsRead(principal)) ending.fail(c, 'forbidden', 'events.read was revoked');
        // A changed scope applies to the next event: a narrowed grant stops what it no longer matches.
        else setSees(c, o.scopeFor?.(principal));
      } while (w.again && c.state !== 'closed');
    } catch (e) {
      const f = authFailure(e, log);
      ending.fail(c, f.code, f.message);
    } finally {
      w.rechecking = false;
    }
  };

  const tick = o.clock.every(o.pingIntervalMs, () => {
    for (const [c, w] of watched) {
      if (c.state === 'closed') continue;
      if (!w.alive || o.overloaded(c)) {
        ending.drop(c, w.alive ? 'client stopped reading' : 'missed pong');
        continue;
      }
      if (w.rechecking) {
        // The previous re-check has not answered for a whole interval: fail closed rather than stream unchecked.
        ending.fail(c, 'store_unavailable', 'Cannot re-check permissions now; retry later');
        continue;
      }
      w.alive = false;
      c.ws.ping();
      void recheck(c);
    }
  });

  return {
    watch(c) {
      if (watched.has(c)) return;
      const w = { alive: true, rechecking: false, again: false };
      watched.set(c, w);
      c.ws.on('pong', () => {
        w.alive = true;
      });
    },
    forget(c) {
      watched.delete(c);
    },
    onRevoked(username) {
      for (const c of watched.keys()) if (c.username === username) void recheck(c);
    },
    onAnyChange() {
      for (const c of watched.keys()) void recheck(c);
    },
    stop() {
      tick.cancel();
    },
  };
}
