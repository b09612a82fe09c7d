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

/** The NATS subject the invalidations travel on. */
export const INVALIDATION_SUBJECT = 'swarm-dashboard.users.invalidate';

export type InvalidationLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** One JSON line per message on stdout/stderr, as the processes log. */
export const jsonLog: InvalidationLog = (level, msg, fields = {}) =>
  (level === 'info' ? console.log : console.error)(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
