/**
 * Chooses the UserStore for a process (called by the composition root, lib/compose.ts):
 * - no MONGO_URL: the embedded SQLite store under DATA_DIR (local mode, one process), behind the cache;
 * - MONGO_URL and NATS_URL: MongoDB behind the permission cache, invalidated over NATS (a cluster replica);
 * - MONGO_URL alone: MongoDB behind the cache with a 1 s TTL and no channel to other replicas, with a warning:
 *   other replicas then see a revoke within that TTL, not on the next request.
 */
import type { Config } from '../config.ts';
import { createUserChanges, jsonLog, type InvalidationLog, type Invalidations, type UserChanges } from './invalidations.ts';
import { createMemoryInvalidations } from './invalidations/memory.ts';
import { createNatsInvalidations } from './invalidations/nats.ts';
import { createCachedUserStore } from './permission-cache.ts';
import type { UserStore } from './user-store.ts';
import { createEmbeddedUserStore } from './user-store/embedded.ts';
import { createMongoUserStore } from './user-store/mongo.ts';

export interface UserStoreComposition {
  users: UserStore;
  /** Every change to a user this process learns of: its own writes and, over NATS, other replicas'. */
  changes: UserChanges;
  /** Closes the store and the invalidation channel. */
  close(): Promise<void>;
}

export interface UserStoreCompositionOptions {
  /** The cache TTL with NATS (default 2000 ms, at most 5000). */
  cacheTtlMs?: number;
  /** The cache TTL without NATS (default 1000 ms). */
  isolatedCacheTtlMs?: number;
  log?: InvalidationLog;
}

export async function createUserStore(
  config: Pick<Config, 'dataDir' | 'mongoUrl' | 'natsUrl'> & Partial<Pick<Config, 'natsAuth'>>,
  options: UserStoreCompositionOptions = {},
): Promise<UserStoreComposition> {
  const log = options.log ?? jsonLog;
  const changes = createUserChanges(log);
  if (!config.mongoUrl) {
    // One process owns the file and every write passes through the cache, which drops the entry at
    // once: reads stay exact while the per-request permission check skips SQLite. A write by another
    // process on the same file (not a supported setup) is seen within the 1 s TTL.
    const invalidations = createMemoryInvalidations();
    const users = createCachedUserStore(createEmbeddedUserStore({ dataDir: config.dataDir }), {
      invalidations,
      ttlMs: options.isolatedCacheTtlMs ?? 1000,
      onChange: changes.emit,
    });
    return { users, changes, close: async () => (await users.close(), await invalidations.close()) };
  }
  const inner = await createMongoUserStore({ url: config.mongoUrl });
  let invalidations: Invalidations;
  let ttlMs: number;
  try {
    if (config.natsUrl) {
      invalidations = await createNatsInvalidations({ url: config.natsUrl, log, ...(config.natsAuth ? { auth: config.natsAuth } : {}) });
      ttlMs = options.cacheTtlMs ?? 2000;
    } else {
      log('warn', 'MONGO_URL is set without NATS_URL: permission changes reach other replicas only when their cache entries expire', {
        cacheTtlMs: options.isolatedCacheTtlMs ?? 1000,
      });
      invalidations = createMemoryInvalidations();
      ttlMs = options.isolatedCacheTtlMs ?? 1000;
    }
  } catch (e) {
    await inner.close();
    throw e;
  }
  const users = createCachedUserStore(inner, { invalidations, ttlMs, onChange: changes.emit });
  return {
    users,
    changes,
    async close() {
      await users.close();
      await invalidations.close();
    },
  };
}
