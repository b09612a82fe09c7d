/**
 * The only way to a spec the engine will run. The Swarm port's writes take `AdmittedSpec` and
 * `AdmittedService`, types that only this module can produce, and only after the security policy has
 * judged them for the caller (or the caller holds `services.privileged`). A handler that skips the policy
 * therefore does not compile (see policy-gate.types.test.ts).
 */
import type { Principal } from '../auth/authenticator.ts';
import { holds } from '../permissions.ts';
import { AppError } from '../errors.ts';
import { enforceServiceSpec } from './spec-policy.ts';
import type { DockerServiceSpec, ServiceDetail, Swarm } from './swarm.ts';

declare const admitted: unique symbol;

/** A whole service spec the policy allowed for the caller: what create, update and rollback send. */
export type AdmittedSpec = DockerServiceSpec & { readonly [admitted]: 'spec' };

/** An existing service the caller may operate (scale, restart, delete): its current spec was judged. */
export type AdmittedService = { readonly id: string; readonly version: number; readonly [admitted]: 'service' };

/** What the gate reads from the engine to judge a spec. */
export type PolicyReads = Pick<Swarm, 'hostNetworks'>;

export interface PolicyGate {
  /** A new service's spec (create-service). */
  admitSpec(principal: Principal, spec: DockerServiceSpec): Promise<AdmittedSpec>;
  /** The spec an update would leave on `current` (update, scale, restart). */
  admitChange(principal: Principal, current: ServiceDetail, next: DockerServiceSpec): Promise<AdmittedSpec>;
  /** The previous spec a rollback restores; `no_previous_spec` when there is none. */
  admitRollback(principal: Principal, current: ServiceDetail): Promise<AdmittedSpec>;
  /** An existing service to remove. */
  admitService(principal: Principal, current: ServiceDetail): Promise<AdmittedService>;
}

const privileged = (principal: Principal) => holds(principal, 'services.privileged');

export function createPolicyGate(reads: PolicyReads): PolicyGate {
  const judge = async (principal: Principal, spec: DockerServiceSpec): Promise<AdmittedSpec> => {
    if (!privileged(principal)) enforceServiceSpec(spec, { hostNetworks: await reads.hostNetworks() });
    return spec as AdmittedSpec;
  };
  return {
    admitSpec: judge,
    admitChange: (principal, _current, next) => judge(principal, next),
    async admitRollback(principal, current) {
      const previous = current.service.previousSpec;
      if (!previous) throw new AppError('no_previous_spec', `Service ${current.service.name} has no previous spec to roll back to`);
      return judge(principal, previous);
    },
    async admitService(_principal, current) {
      return { id: current.service.id, version: current.service.version } as AdmittedService;
    },
  };
}
