/**
 * Changes whose caller gave no version (scale, restart, rollback) re-read the service and apply the change
 * to it, retrying on a version conflict: the engine bumps the version by itself while an update rolls out,
 * so a version read a moment ago is often stale already.
 */
import { AppError } from '../errors.ts';
import type { ServiceDetail } from './swarm.ts';

/** Calls `change` with a fresh read of the service until it stops failing with `version_conflict`. */
export async function withLatest<T>(
  read: (id: string) => Promise<ServiceDetail>,
  id: string,
  change: (current: ServiceDetail) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await read(id);
    try {
      return await change(current);
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'version_conflict') || attempt >= attempts) throw e;
    }
  }
}
