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
import { holds, holdsAny, holdsFor, type ScopeTarget } from '../permissions.ts';
import { objectFilter } from '../secrets/scope.ts';
import { AppError } from '../errors.ts';
import { WORKLOAD_NETWORK_LABEL, enforceOperableService, enforceServiceSpec, isReservedLabel, type PolicyContext, type PolicyViolation } from './spec-policy.ts';
import type { DockerServiceSpec, NetworkSpec, NetworkSummary, ServiceDetail, Swarm, VolumeSummary } from './swarm.ts';

/** The label Docker's own `docker stack deploy` puts on a stack's services, networks, secrets and configs. */
export const STACK_LABEL = 'com.docker.stack.namespace';

declare const admitted: unique symbol;

/** A whole service spec the policy allowed for the caller: what create, update and rollback send. */
export type AdmittedSpec = DockerServiceSpec & { readonly [admitted]: 'spec' };

/** An existing service the caller may operate (scale, restart, delete): its current spec was judged. */
export type AdmittedService = { readonly id: string; readonly version: number; readonly [admitted]: 'service' };

/** A network the caller may create: its driver and options judged, its labels set by the gate. */
export type AdmittedNetwork = NetworkSpec & { readonly [admitted]: 'network' };

/** What the gate reads from the engine to judge a spec; without the secret and config reads, none may be attached. */
export type PolicyReads = Pick<Swarm, 'listNetworks' | 'inspectVolume'> & Partial<Pick<Swarm, 'listSecrets' | 'listConfigs'>>;

/** What a stack deploy is about to create, so its services may refer to it before it exists. */
export interface StackPlan {
  /** The stack's name: the value of STACK_LABEL the gate adds. */
  stack: string;
  /** Networks this deploy creates (admitted with admitNetwork). */
  networks?: readonly AdmittedNetwork[];
  /** Stand-in ids of the secrets and configs this deploy creates, which the caller may attach. */
  secrets?: readonly string[];
  configs?: readonly string[];
}

export interface PolicyGateOptions {
  /** Published ports reserved besides those below 1024 and the engine's and swarm's: the dashboard's own. */
  reservedPorts?: readonly number[];
  /** Ranges of published ports an operator allows anyway (POLICY_ALLOWED_PORTS). */
  allowedPorts?: ReadonlyArray<readonly [number, number]>;
  /** The published ports allowed at all (POLICY_PORT_RANGE); default 1024–65535. */
  portRange?: readonly [number, number];
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
  /**
   * A stack's service: the user's part (`spec`, without the stack label) is judged, and `current`, when the
   * service exists, too; the gate then adds STACK_LABEL = plan.stack to the service and its containers.
   */
  admitStackSpec(principal: Principal, plan: StackPlan, spec: DockerServiceSpec, current?: ServiceDetail): Promise<AdmittedSpec>;
  /**
   * A network a stack creates. Without services.privileged: driver overlay, no options, no reserved labels.
   * The gate adds STACK_LABEL, and WORKLOAD_NETWORK_LABEL when the network is such a plain overlay (which
   * it always is for such a user), so the stack's services may join it under the policy, now and later.
   */
  admitNetwork(principal: Principal, stack: string, network: NetworkSpec): Promise<AdmittedNetwork>;
}

const denied = (message: string, violations: PolicyViolation[]) => new AppError('policy_denied', message, { details: violations });

/**
 * The spec without the stack label, when its value is `keep` (the value on the current spec): the label was put
 * there by the gate (admitStackSpec) or by an operator's `docker stack deploy`, and keeping it grants nothing.
 * Adding it, or changing it, stays a reserved label the policy refuses.
 */
export function withoutStackLabel(spec: DockerServiceSpec, keep: string | undefined): DockerServiceSpec {
  if (keep === undefined) return spec;
  const copy = structuredClone(spec) as DockerServiceSpec & { Labels?: Record<string, unknown>; TaskTemplate?: { ContainerSpec?: { Labels?: Record<string, unknown> } } };
  for (const labels of [copy.Labels, copy.TaskTemplate?.ContainerSpec?.Labels]) {
    if (labels && typeof labels === 'object' && Object.hasOwn(labels, STACK_LABEL) && labels[STACK_LABEL] === keep) delete labels[STACK_LABEL];
  }
  return copy;
}

const stackOf = (spec: DockerServiceSpec): string | undefined => {
  const value = (spec as { Labels?: Record<string, unknown> }).Labels?.[STACK_LABEL];
  return typeof value === 'string' ? value : undefined;
};

/** `current` with its own stack label set aside, as the policy judges an existing service. */
const judgedCurrent = (current: ServiceDetail): ServiceDetail => {
  const stack = stackOf(current.service.spec);
  if (stack === undefined) return current;
  const spec = withoutStackLabel(current.service.spec, stack);
  const previousSpec = current.service.previousSpec && withoutStackLabel(current.service.previousSpec, stack);
  return { ...current, service: { ...current.service, spec, ...(previousSpec ? { previousSpec } : {}) } };
};

function withStackLabel(spec: DockerServiceSpec, stack: string): DockerServiceSpec {
  const copy = structuredClone(spec) as DockerServiceSpec & { Labels?: Record<string, string>; TaskTemplate?: { ContainerSpec?: { Labels?: Record<string, string> } } };
  copy.Labels = { ...(copy.Labels ?? {}), [STACK_LABEL]: stack };
  const container = copy.TaskTemplate?.ContainerSpec;
  if (container) container.Labels = { ...(container.Labels ?? {}), [STACK_LABEL]: stack };
  return copy;
}

// More distinct volume names than this in one judgement are left uninspected, which the policy refuses.
const MAX_VOLUME_READS = 100;

/**
 * Beyond the policy: `services.privileged`, or a scoped form matching every service judged (as it is and as it
 * becomes), so a scoped privilege never reaches a service outside its scope.
 */
const privileged = (principal: Principal, ...specs: Array<DockerServiceSpec | undefined>) =>
  holds(principal, 'services.privileged') || (holdsAny(principal, 'services.privileged') && specs.every((s) => s !== undefined && holdsFor(principal, 'services.privileged', scopeTarget(s))));

const scopeTarget = (spec: DockerServiceSpec): ScopeTarget => {
  const labels = (spec as { Labels?: unknown }).Labels;
  return { name: typeof spec.Name === 'string' ? spec.Name : '', labels: typeof labels === 'object' && labels !== null ? (labels as Record<string, string>) : {} };
};

/**
 * The scope of services.write (contract 1.1), judged here because every service write passes the gate: the
 * service as it is must be in the caller's scope (a service the caller cannot even read is "not found", so
 * scopes do not reveal what exists), and so must what it becomes, so nobody creates or relabels a service
 * out of (or into) a scope they lack.
 */
export function enforceWriteScope(principal: Principal, next: DockerServiceSpec | undefined, current?: ServiceDetail): void {
  if (current) {
    const target = scopeTarget(current.service.spec);
    if (!holdsFor(principal, 'services.write', target)) {
      if (!holdsFor(principal, 'services.read', target)) throw new AppError('not_found', `No service ${current.service.name}`);
      throw new AppError('forbidden', `Service ${current.service.name} is outside your services.write scope`);
    }
  }
  if (next && !holdsFor(principal, 'services.write', scopeTarget(next))) {
    throw new AppError('forbidden', `Service ${next.Name ?? ''} would be outside your services.write scope`, { details: { name: next.Name ?? '' } });
  }
}

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
  const ports = {
    reserved: [...(options.reservedPorts ?? [])],
    allowed: [...(options.allowedPorts ?? [])],
    ...(options.portRange ? { range: options.portRange } : {}),
  };

  const refers = (specs: DockerServiceSpec[], key: 'Secrets' | 'Configs') =>
    specs.some((s) => {
      const list = (s as { TaskTemplate?: { ContainerSpec?: Record<string, unknown> } })?.TaskTemplate?.ContainerSpec?.[key];
      return Array.isArray(list) && list.length > 0;
    });
  // Ids of what the caller may attach: read only when a spec refers to any, and only with the read permission.
  const attachable = async (principal: Principal | undefined, specs: DockerServiceSpec[], kind: 'secrets' | 'configs'): Promise<string[]> => {
    const read = kind === 'secrets' ? reads.listSecrets : reads.listConfigs;
    if (!principal || !read || !refers(specs, kind === 'secrets' ? 'Secrets' : 'Configs')) return [];
    const kindOf = kind === 'secrets' ? 'secret' : 'config';
    // Scoped read (contract 1.1): only the objects a scope matches may be attached.
    if (!holdsAny(principal, `${kind}.read`)) return [];
    return (await read()).filter(objectFilter(principal, kindOf, 'read')).map((o) => o.id);
  };

  const contextFor = async (principal: Principal | undefined, specs: DockerServiceSpec[], plan?: StackPlan): Promise<PolicyContext> => {
    const names = [...new Set(specs.flatMap(namedVolumes))].slice(0, MAX_VOLUME_READS);
    const [networks, found, secrets, configs] = await Promise.all([
      reads.listNetworks(),
      Promise.all(names.map((n) => reads.inspectVolume(n))),
      attachable(principal, specs, 'secrets'),
      attachable(principal, specs, 'configs'),
    ]);
    const volumes: Record<string, VolumeSummary | null> = Object.create(null);
    names.forEach((name, i) => (volumes[name] = found[i] ?? null));
    const planned: NetworkSummary[] = (plan?.networks ?? []).map((n) => ({ id: '', name: n.name, driver: n.driver, scope: 'swarm', labels: n.labels }));
    return {
      ...networkContext([...networks, ...planned]),
      volumes,
      ports,
      secrets: [...secrets, ...(plan?.secrets ?? [])],
      configs: [...configs, ...(plan?.configs ?? [])],
    };
  };
  const context = (...specs: DockerServiceSpec[]) => contextFor(undefined, specs);

  const operable = (current: ServiceDetail, ctx: PolicyContext) => enforceOperableService(current.service.name, current.service.spec, ctx);

  return {
    async admitSpec(principal, spec) {
      enforceWriteScope(principal, spec);
      if (!privileged(principal, spec)) enforceServiceSpec(spec, await contextFor(principal, [spec]));
      return spec as AdmittedSpec;
    },
    async admitChange(principal, current, next) {
      enforceWriteScope(principal, next, current);
      if (!privileged(principal, current.service.spec, next)) {
        const stack = stackOf(current.service.spec);
        const judged = judgedCurrent(current);
        const nextJudged = withoutStackLabel(next, stack);
        const ctx = await contextFor(principal, [judged.service.spec, nextJudged]);
        operable(judged, ctx);
        enforceServiceSpec(nextJudged, ctx);
      }
      return next as AdmittedSpec;
    },
    async admitRollback(principal, current) {
      const previous = current.service.previousSpec;
      enforceWriteScope(principal, previous, current);
      if (!previous) throw new AppError('no_previous_spec', `Service ${current.service.name} has no previous spec to roll back to`);
      if (!privileged(principal, current.service.spec, previous)) {
        const judged = judgedCurrent(current);
        const ctx = await contextFor(principal, [judged.service.spec, judged.service.previousSpec!]);
        operable(judged, ctx);
        enforceServiceSpec(judged.service.previousSpec!, ctx);
      }
      return previous as AdmittedSpec;
    },
    async admitService(principal, current) {
      enforceWriteScope(principal, undefined, current);
      if (!privileged(principal, current.service.spec)) {
        const judged = judgedCurrent(current);
        operable(judged, await contextFor(principal, [judged.service.spec]));
      }
      return { id: current.service.id, version: current.service.version } as AdmittedService;
    },
    async admitStackSpec(principal, plan, spec, current) {
      enforceWriteScope(principal, withStackLabel(spec, plan.stack), current);
      if (!privileged(principal, withStackLabel(spec, plan.stack), ...(current ? [current.service.spec] : []))) {
        const judged = current && judgedCurrent(current);
        const ctx = await contextFor(principal, judged ? [judged.service.spec, spec] : [spec], plan);
        if (judged) {
          if (stackOf(current.service.spec) !== plan.stack) {
            throw denied(`Service ${current.service.name} does not belong to stack ${plan.stack}`, [{ rule: 'privileged_service', path: 'Labels', message: `${current.service.name} is not labelled ${STACK_LABEL}=${plan.stack}` }]);
          }
          operable(judged, ctx);
        }
        enforceServiceSpec(spec, ctx);
      }
      return withStackLabel(spec, plan.stack) as AdmittedSpec;
    },
    async admitNetwork(principal, stack, network) {
      const plain = (network.driver === 'overlay' || network.driver === '') && Object.keys(network.options ?? {}).length === 0;
      // A network belongs to its stack: a scoped privilege reaches it when the stack's label matches.
      if (!privileged(principal, { Name: network.name, Labels: { [STACK_LABEL]: stack } } as DockerServiceSpec)) {
        const violations: PolicyViolation[] = [];
        if (!plain) violations.push({ rule: 'network_driver_options', path: `networks.${network.name}`, message: 'only overlay networks without driver options are allowed' });
        for (const key of Object.keys(network.labels)) {
          if (isReservedLabel(key)) violations.push({ rule: 'reserved_label', path: `networks.${network.name}.labels.${key}`, message: `label ${JSON.stringify(key)} is reserved` });
        }
        if (violations.length > 0) throw denied(`Network ${network.name} breaks the security policy; this needs services.privileged`, violations);
      }
      const labels = { ...network.labels, [STACK_LABEL]: stack, ...(plain ? { [WORKLOAD_NETWORK_LABEL]: 'true' } : {}) };
      return { ...network, driver: network.driver || 'overlay', labels } as unknown as AdmittedNetwork;
    },
  };
}
