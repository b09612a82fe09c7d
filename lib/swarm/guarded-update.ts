/**
 * Service changes go through here, so the security policy judges every spec the engine would run
 * (create, update and rollback), unless the caller holds `services.privileged`.
 */
import type { Principal } from '../auth/authenticator.ts';
import { AppError } from '../errors.ts';
import { enforceServiceSpec } from './spec-policy.ts';
import type { DockerServiceSpec, ServiceDetail, Swarm } from './swarm.ts';

export async function enforcePolicy(swarm: Swarm, principal: Principal, spec: DockerServiceSpec): Promise<void> {
  if (principal.permissions.includes('services.privileged')) return;
  enforceServiceSpec(spec, { hostNetworks: await swarm.hostNetworks() });
}

/**
 * Re-reads the service and applies `change` to it, retrying on a version conflict, for changes whose
 * caller gave no version (scale, restart, rollback): the engine bumps the version by itself while an
 * update rolls out, so a version read a moment ago is often stale already.
 */
export async function updateLatest(
  swarm: Swarm,
  id: string,
  change: (current: ServiceDetail) => DockerServiceSpec | Promise<DockerServiceSpec>,
  options: { rollback?: boolean; attempts?: number } = {},
): Promise<{ id: string; version: number }> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const current = await swarm.inspectService(id);
    const spec = await change(current);
    try {
      return await swarm.updateService(current.service.id, current.service.version, spec, options.rollback ? { rollback: true } : {});
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'version_conflict') || attempt >= attempts) throw e;
    }
  }
}
