/**
 * The Invalidations port: how one replica tells the others that a user's cached entry is stale.
 * Adapters: ./invalidations/nats.ts (the cluster) and ./invalidations/memory.ts (one process, tests).
 * The cache in ./permission-cache.ts publishes on every write and drops entries on every message.
 */

/** Called with a username to drop that entry, or with null to drop every entry (messages may have been missed). */
export type OnInvalidate = (username: string | null) => void;

export interface Invalidations {
  /**
   * Tells the other replicas to drop their entry for `username`. Resolves once the message is handed to the
   * server (or the adapter gave up, after logging); never rejects, so it can sit on a request's path.
   */
  publish(username: string): Promise<void>;
  /** Calls `onInvalidate` for every invalidation from another replica; returns the unsubscribe. */
  subscribe(onInvalidate: OnInvalidate): () => void;
  close(): Promise<void>;
}

/**
 * Every change to a user that this process learns of, its own writes and other replicas' alike (the
 * composition builds it from the permission cache's `onChange`). For a reader that must act at once, not on
 * its next request: the relay ends the streams of a user who lost access.
 */
export interface UserChanges {
  /** `listener` gets a username, or null when anything may have changed; returns the unsubscribe. */
  subscribe(listener: OnInvalidate): () => void;
}

/** A UserChanges and the `emit` its source calls; a throwing listener is logged, never the emitter's problem. */
export function createUserChanges(log: InvalidationLog = jsonLog): UserChanges & { emit: OnInvalidate } {
  const listeners = new Set<OnInvalidate>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(username) {
      for (const listener of listeners) {
        try {
          listener(username);
        } catch (e) {
          log('error', 'user change listener failed', { error: String(e) });
        }
      }
    },
  };
}

/** The NATS subject the invalidations travel on. */
export const INVALIDATION_SUBJECT = 'swarm-dashboard.users.invalidate';

export type InvalidationLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** One JSON line per message on stdout/stderr, as the processes log. */
export const jsonLog: InvalidationLog = (level, msg, fields = {}) =>
  (level === 'info' ? console.log : console.error)(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
