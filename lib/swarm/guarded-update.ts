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
 * Re-reads the service and applies `change` to its current spec, retrying on a version conflict, for
 * changes whose caller gave no version (scale, restart).
 */
export async function updateLatest(
  swarm: Swarm,
  id: string,
  change: (current: ServiceDetail) => DockerServiceSpec,
  attempts = 3,
): Promise<{ id: string; version: number }> {
  for (let attempt = 1; ; attempt++) {
    const current = await swarm.inspectService(id);
    try {
      return await swarm.updateService(current.service.id, current.service.version, change(current));
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'version_conflict') || attempt >= attempts) throw e;
    }
  }
}
