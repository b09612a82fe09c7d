/**
 * The only way to a spec the engine will run. The Swarm port's writes take `AdmittedSpec` and
 * `AdmittedService`, types that only this module can produce, and only after the security policy has
 * judged them for the caller (or the caller holds `services.privileged`). A handler that skips the policy
 * therefore does not compile (see policy-gate.test.ts).
 *
 * The policy itself (./spec-policy.ts) is a pure check; the gate reads from the engine what it needs to
 * know (networks, named volumes) and passes it in the PolicyContext. For an existing service, the current
 * spec is judged too: operating a service that needs services.privileged needs it as well.
 */
import type { Principal } from '../auth/authenticator.ts';
import { holds } from '../permissions.ts';
import { AppError } from '../errors.ts';
import { WORKLOAD_NETWORK_LABEL, enforceOperableService, enforceServiceSpec, type PolicyContext } from './spec-policy.ts';
import type { DockerServiceSpec, NetworkSummary, ServiceDetail, Swarm, VolumeSummary } from './swarm.ts';

declare const admitted: unique symbol;

/** A whole service spec the policy allowed for the caller: what create, update and rollback send. */
export type AdmittedSpec = DockerServiceSpec & { readonly [admitted]: 'spec' };

/** An existing service the caller may operate (scale, restart, delete): its current spec was judged. */
export type AdmittedService = { readonly id: string; readonly version: number; readonly [admitted]: 'service' };

/** What the gate reads from the engine to judge a spec. */
export type PolicyReads = Pick<Swarm, 'listNetworks' | 'inspectVolume'>;

export interface PolicyGateOptions {
  /** Published ports reserved besides those below 1024 and the engine's and swarm's: the dashboard's own. */
  reservedPorts?: readonly number[];
  /** Ranges of published ports an operator allows anyway (POLICY_ALLOWED_PORTS). */
  allowedPorts?: ReadonlyArray<readonly [number, number]>;
}

export interface PolicyGate {
  /** A new service's spec (create-service). */
  admitSpec(principal: Principal, spec: DockerServiceSpec): Promise<AdmittedSpec>;
  /** The spec an update would leave on `current` (update, scale, restart); `current` must pass too. */
  admitChange(principal: Principal, current: ServiceDetail, next: DockerServiceSpec): Promise<AdmittedSpec>;
  /** The previous spec a rollback restores (`no_previous_spec` when there is none); `current` must pass too. */
  admitRollback(principal: Principal, current: ServiceDetail): Promise<AdmittedSpec>;
  /** An existing service to remove: its current spec must pass. */
  admitService(principal: Principal, current: ServiceDetail): Promise<AdmittedService>;
}

// More distinct volume names than this in one judgement are left uninspected, which the policy refuses.
const MAX_VOLUME_READS = 100;

const privileged = (principal: Principal) => holds(principal, 'services.privileged');

/** The names of the named volumes a spec mounts (Type volume with a Source), wherever they are in it. */
export function namedVolumes(spec: DockerServiceSpec): string[] {
  const container = (spec as { TaskTemplate?: { ContainerSpec?: { Mounts?: unknown } } })?.TaskTemplate?.ContainerSpec;
  const mounts = Array.isArray(container?.Mounts) ? (container.Mounts as unknown[]) : [];
  return mounts.flatMap((m) => {
    const { Type: type, Source: source } = (typeof m === 'object' && m !== null ? m : {}) as { Type?: unknown; Source?: unknown };
    return typeof type === 'string' && type.trim().toLowerCase() === 'volume' && typeof source === 'string' && source !== '' ? [source] : [];
  });
}

/**
 * Host networks (driver host or null) and workload networks (labelled, by full id, and by name unless an
 * unlabelled network holds that name or id: the engine resolves a full id first, then a name).
 */
export function networkContext(networks: readonly NetworkSummary[]): Pick<PolicyContext, 'hostNetworks' | 'workloadNetworks'> {
  const isHost = (n: NetworkSummary) => n.driver === 'host' || n.driver === 'null';
  const labelled = (n: NetworkSummary) => !isHost(n) && n.labels[WORKLOAD_NETWORK_LABEL] === 'true';
  const others = new Set(networks.filter((n) => !labelled(n)).flatMap((n) => [n.id, n.name]));
  return {
    hostNetworks: networks.filter(isHost).flatMap((n) => [n.id, n.name]).filter((s) => s !== ''),
    workloadNetworks: networks
      .filter(labelled)
      .flatMap((n) => [n.id, ...(others.has(n.name) ? [] : [n.name])])
      .filter((s) => s !== '' && !others.has(s)),
  };
}

export function createPolicyGate(reads: PolicyReads, options: PolicyGateOptions = {}): PolicyGate {
  const ports = { reserved: [...(options.reservedPorts ?? [])], allowed: [...(options.allowedPorts ?? [])] };

  const context = async (...specs: DockerServiceSpec[]): Promise<PolicyContext> => {
    const names = [...new Set(specs.flatMap(namedVolumes))].slice(0, MAX_VOLUME_READS);
    const [networks, found] = await Promise.all([reads.listNetworks(), Promise.all(names.map((n) => reads.inspectVolume(n)))]);
    const volumes: Record<string, VolumeSummary | null> = Object.create(null);
    names.forEach((name, i) => (volumes[name] = found[i] ?? null));
    return { ...networkContext(networks), volumes, ports };
  };

  const operable = (current: ServiceDetail, ctx: PolicyContext) => enforceOperableService(current.service.name, current.service.spec, ctx);

  return {
    async admitSpec(principal, spec) {
      if (!privileged(principal)) enforceServiceSpec(spec, await context(spec));
      return spec as AdmittedSpec;
    },
    async admitChange(principal, current, next) {
      if (!privileged(principal)) {
        const ctx = await context(current.service.spec, next);
        operable(current, ctx);
        enforceServiceSpec(next, ctx);
      }
      return next as AdmittedSpec;
    },
    async admitRollback(principal, current) {
      const previous = current.service.previousSpec;
      if (!previous) throw new AppError('no_previous_spec', `Service ${current.service.name} has no previous spec to roll back to`);
      if (!privileged(principal)) {
        const ctx = await context(current.service.spec, previous);
        operable(current, ctx);
        enforceServiceSpec(previous, ctx);
      }
      return previous as AdmittedSpec;
    },
    async admitService(principal, current) {
      if (!privileged(principal)) operable(current, await context(current.service.spec));
      return { id: current.service.id, version: current.service.version } as AdmittedService;
    },
  };
}
