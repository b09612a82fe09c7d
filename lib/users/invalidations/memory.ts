/**
 * In-process Invalidations: replicas that share one hub see each other's messages, synchronously, and never
 * their own (like the NATS adapter's noEcho). A lone `createMemoryInvalidations()` reaches nobody, which is
 * right for a single process: the cache drops its own entry on every write.
 */
import type { Invalidations, OnInvalidate } from '../invalidations.ts';

export interface InvalidationHub {
  /** A new replica's end of the hub. */
  connect(): Invalidations;
}

export function createMemoryInvalidationHub(): InvalidationHub {
  const members = new Set<Set<OnInvalidate>>();
  return {
    connect() {
      const own = new Set<OnInvalidate>();
      members.add(own);
      return {
        async publish(username) {
          for (const member of members) {
            if (member === own) continue;
            for (const listener of member) {
              try {
                listener(username);
              } catch (e) {
                console.error(JSON.stringify({ level: 'error', msg: 'invalidation listener failed', error: String(e) }));
              }
            }
          }
        },
        subscribe(onInvalidate) {
          own.add(onInvalidate);
          return () => own.delete(onInvalidate);
        },
        async close() {
          own.clear();
          members.delete(own);
        },
      };
    },
  };
}

/** Invalidations for one process alone. */
export const createMemoryInvalidations = (): Invalidations => createMemoryInvalidationHub().connect();
