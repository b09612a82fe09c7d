/**
 * The permission cache: a UserStore decorator that keeps `get(username)` answers (the user with its
 * permissions and token version, or "no such user") for a short TTL, so the authenticator does not ask the
 * database on every request.
 *
 * - Every write through it drops the local entry and publishes an invalidation; every invalidation from
 *   another replica drops that entry. With the invalidation path up, a grant, revoke, delete or password
 *   change on one replica is seen by every replica on its next request.
 * - With the path down, an entry still dies `ttlMs` after it was read from the store: that TTL (≤ 5 s) bounds
 *   how long a revoked permission or a dead token can live on another replica. See docs/users.md.
 * - `list`, `page` and `holders` are never cached (the last-admin rule reads `holders`).
 */
import type { Invalidations, OnInvalidate } from './invalidations.ts';
import type { User, UserStore } from './user-store.ts';

export const MAX_CACHE_TTL_MS = 5000;

export interface CachedUserStoreOptions {
  invalidations: Invalidations;
  /** How long a user read from the store is served from memory (default 2000 ms, at most 5000). */
  ttlMs?: number;
  /** How long "no such user" is remembered (default min(ttlMs, 500) ms). */
  negativeTtlMs?: number;
  /** Entries kept at most; the oldest go first (default 10,000). */
  maxEntries?: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
  /**
   * Told of every change to a user, after the entry is dropped (so a read from inside sees the new state):
   * a write through this store (once it settled, even when it failed midway) and an invalidation from another
   * replica. `null`: anything may have changed (the invalidation link broke). The relay re-checks open
   * streams here instead of waiting for its ping tick.
   */
  onChange?: OnInvalidate;
}

interface Entry {
  user: User | null;
  expiresAt: number;
}

const copy = (user: User | null): User | null => (user ? { ...user, permissions: [...user.permissions] } : null);

/** Wraps `inner`; `close()` unsubscribes and closes `inner` (the invalidations belong to the caller). */
export function createCachedUserStore(inner: UserStore, options: CachedUserStoreOptions): UserStore {
  const { invalidations } = options;
  const ttlMs = options.ttlMs ?? 2000;
  if (!(ttlMs > 0 && ttlMs <= MAX_CACHE_TTL_MS)) throw new Error(`The user cache TTL must be between 1 and ${MAX_CACHE_TTL_MS} ms, got ${ttlMs}`);
  const negativeTtlMs = options.negativeTtlMs ?? Math.min(ttlMs, 500);
  if (!(negativeTtlMs >= 0 && negativeTtlMs <= ttlMs)) throw new Error(`The negative cache TTL must be between 0 and ${ttlMs} ms`);
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;

  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<User | null>>();
  // Bumped on every invalidation: a read that started before one must not store what it read.
  let generation = 0;

  const drop = (username: string | null) => {
    generation++;
    if (username === null) {
      entries.clear();
      inflight.clear();
    } else {
      entries.delete(username);
      inflight.delete(username);
    }
  };
  const onChange = options.onChange ?? (() => {});
  const unsubscribe = invalidations.subscribe((username) => {
    drop(username);
    onChange(username);
  });

  const load = (username: string): Promise<User | null> => {
    const startedAt = now();
    const startedGeneration = generation;
    const promise = inner.get(username).then(
      (user) => {
        if (inflight.get(username) === promise) inflight.delete(username);
        if (generation === startedGeneration) {
          // NOTE: the TTL counts from the start of the read, so it bounds the age of what the store said.
          entries.delete(username);
          entries.set(username, { user, expiresAt: startedAt + (user ? ttlMs : negativeTtlMs) });
          if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
        }
        return user;
      },
      (e: unknown) => {
        if (inflight.get(username) === promise) inflight.delete(username);
        throw e;
      },
    );
    inflight.set(username, promise);
    return promise;
  };

  /** Runs a write, then drops the entry here and tells the other replicas, even when the write failed midway. */
  const write = async <T>(username: string, change: () => Promise<T>): Promise<T> => {
    drop(username);
    try {
      return await change();
    } finally {
      drop(username);
      // NOTE: the invalidations adapters never echo a replica's own message, so this process learns of its
      // own writes here, not from the channel.
      onChange(username);
      await invalidations.publish(username);
    }
  };

  return {
    async get(username) {
      const entry = entries.get(username);
      if (entry && entry.expiresAt > now()) return copy(entry.user);
      if (entry) entries.delete(username);
      return copy(await (inflight.get(username) ?? load(username)));
    },
    list: () => inner.list(),
    page: (query) => inner.page(query),
    holders: (permission) => inner.holders(permission),
    create: (user) => write(user.username, () => inner.create(user)),
    delete: (username, guard) => write(username, () => inner.delete(username, guard)),
    addPermission: (username, permission) => write(username, () => inner.addPermission(username, permission)),
    removePermission: (username, permission, guard) => write(username, () => inner.removePermission(username, permission, guard)),
    setPassword: (username, passwordHash) => write(username, () => inner.setPassword(username, passwordHash)),
    endSessions: (username) => write(username, () => inner.endSessions(username)),
    async close() {
      unsubscribe();
      entries.clear();
      inflight.clear();
      await inner.close();
    },
  };
}
