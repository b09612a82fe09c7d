/**
 * ServiceInput: the contract's friendly service shape, its zod schema, and the conversions to and from the
 * Engine API's ServiceSpec. The schemas hold no transforms, so `z.toJSONSchema` can describe them; every
 * conversion lives in a function below.
 */
import { z } from 'zod';
import { AppError, invalidField } from '../errors.ts';
import { OBJECT_NAME, latestOf, parseEngineName } from '../secrets/versions.ts';
import type { DockerServiceSpec, SwarmObject } from './swarm.ts';

// NOTE: swarmkit's own rule (manager/controlapi/common.go, validateAnnotations): at most 63 characters,
// "valid as a DNS name component". Dots are refused by the engine.
const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._/:-]*[A-Za-z0-9])?$/;
const NETWORK_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const CONSTRAINT = /^[^=!]+(?:==|!=)[^=!]+$/;

export const MAX_REPLICAS = 1000;

const maxKeys = (max: number) => (value: Record<string, string>) => Object.keys(value).length <= max;

const port = z.strictObject({
  published: z.number().int().min(1).max(65535).optional(),
  target: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
  mode: z.enum(['ingress', 'host']).optional(),
});

const mount = z.strictObject({
  type: z.enum(['bind', 'volume', 'tmpfs']),
  source: z.string().min(1).max(4096).optional(),
  target: z.string().min(2).max(4096).startsWith('/'),
  readOnly: z.boolean().optional(),
});

const resourceAmounts = z.strictObject({
  /** Cores, e.g. 0.5. */
  cpus: z.number().positive().max(1024).optional(),
  memoryBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** A secret or config by the name users see (its latest version is attached) and where the file goes. */
const attachment = z.strictObject({
  name: z.string().regex(OBJECT_NAME, 'letters, digits, "-" and "_"'),
  /** A secret's file name under /run/secrets (or an absolute path); a config's absolute path (default `/<name>`). */
  target: z.string().min(1).max(4096).regex(/^[^\0]+$/).optional(),
});

const seconds = z.number().min(0).max(31 * 24 * 3600);

/** How the engine rolls out an update (UpdateConfig) or a rollback (RollbackConfig); durations in seconds. */
const rolloutConfig = <A extends [string, ...string[]]>(failureActions: A) =>
  z.strictObject({
    parallelism: z.number().int().min(0).max(MAX_REPLICAS).optional(),
    delaySeconds: seconds.optional(),
    failureAction: z.enum(failureActions).optional(),
    monitorSeconds: seconds.optional(),
    maxFailureRatio: z.number().min(0).max(1).optional(),
    order: z.enum(['stop-first', 'start-first']).optional(),
  });

const restartPolicy = z.strictObject({
  condition: z.enum(['none', 'on-failure', 'any']).optional(),
  delaySeconds: seconds.optional(),
  maxAttempts: z.number().int().min(0).max(10_000).optional(),
  windowSeconds: seconds.optional(),
});

/** The engine's Healthcheck: `test` is `["CMD", …]`, `["CMD-SHELL", "<command>"]` or `["NONE"]`. */
const healthcheck = z.strictObject({
  test: z.array(z.string().max(4096)).min(1).max(100).refine((t) => ['CMD', 'CMD-SHELL', 'NONE'].includes(t[0]!), 'starts with "CMD", "CMD-SHELL" or "NONE"'),
  intervalSeconds: seconds.optional(),
  timeoutSeconds: seconds.optional(),
  retries: z.number().int().min(0).max(1000).optional(),
  startPeriodSeconds: seconds.optional(),
});

/** A placement preference: spread the tasks over the values of a node attribute, e.g. `node.labels.zone`. */
const placementPreference = z.strictObject({ spread: z.string().min(1).max(512).regex(/^\S+$/, 'no whitespace') });

/** The fields of ServiceInput, unrefined, for callers that extend or partial them before refining. */
export const serviceInputObject = z.strictObject({
  name: z.string().min(1).max(63).regex(SERVICE_NAME, 'letters, digits, "-" and "_", starting and ending with a letter or digit'),
  image: z.string().min(1).max(512).regex(/^\S+$/, 'no whitespace'),
  mode: z.enum(['replicated', 'global']).optional(),
  replicas: z.number().int().min(0).max(MAX_REPLICAS).optional(),
  command: z.array(z.string().max(4096)).max(100).optional(),
  args: z.array(z.string().max(4096)).max(100).optional(),
  env: z
    .record(z.string().min(1).max(256).regex(ENV_KEY), z.string().max(32768))
    .refine(maxKeys(200), 'at most 200 variables')
    .optional(),
  labels: z
    .record(z.string().min(1).max(255).regex(LABEL_KEY), z.string().max(4096))
    .refine(maxKeys(200), 'at most 200 labels')
    .optional(),
  ports: z.array(port).max(100).optional(),
  mounts: z.array(mount).max(50).optional(),
  constraints: z.array(z.string().max(512).regex(CONSTRAINT, 'expected "<attribute> == <value>" or "!="')).max(50).optional(),
  resources: z
    .strictObject({ limits: resourceAmounts.optional(), reservations: resourceAmounts.optional() })
    .optional(),
  networks: z.array(z.string().min(1).max(128).regex(NETWORK_REF)).max(20).optional(),
  secrets: z.array(attachment).max(50).optional(),
  configs: z.array(attachment).max(50).optional(),
  updateConfig: rolloutConfig(['pause', 'continue', 'rollback']).optional(),
  rollbackConfig: rolloutConfig(['pause', 'continue']).optional(),
  restartPolicy: restartPolicy.optional(),
  healthcheck: healthcheck.optional(),
  placementPreferences: z.array(placementPreference).max(10).optional(),
});

export type ServiceAttachment = z.infer<typeof attachment>;

/** The engine's secrets and configs, which `secrets` and `configs` of a ServiceInput are resolved against. */
export interface AttachableObjects {
  secrets?: readonly SwarmObject[];
  configs?: readonly SwarmObject[];
}

export type ServiceInput = z.infer<typeof serviceInputObject>;
export type ServiceMount = z.infer<typeof mount>;
export type ServicePort = z.infer<typeof port>;

/**
 * The cross-field rules of ServiceInput, as a zod refinement for any object holding its fields
 * (e.g. `serviceInputObject.partial().extend({id, version}).superRefine(refineServiceInput)`).
 */
export const refineServiceInput = (value: Partial<ServiceInput>, ctx: z.RefinementCtx): void => {
  if (value.mode === 'global' && value.replicas !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'replicas applies only to mode "replicated"' });
  }
  for (const [i, m] of (value.mounts ?? []).entries()) {
    if (m.type === 'bind' && m.source === undefined) {
      ctx.addIssue({ code: 'custom', path: ['mounts', i, 'source'], message: 'a bind mount needs a source' });
    }
    if (m.type === 'tmpfs' && m.source !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['mounts', i, 'source'], message: 'a tmpfs mount takes no source' });
    }
  }
};

/** A whole ServiceInput, as create-service takes it. */
export const serviceInputSchema = serviceInputObject.superRefine(refineServiceInput);

/** Any subset of ServiceInput, as update-service takes it (without its `id` and `version`). */
export const serviceInputPatchSchema = serviceInputObject.partial().superRefine(refineServiceInput);

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const record = (v: unknown): Json => (isRecord(v) ? v : {});
/** The object at `key` of `parent`, created when missing or not an object. */
const child = (parent: Json, key: string): Json => {
  const existing = parent[key];
  if (isRecord(existing)) return existing;
  const created: Json = {};
  parent[key] = created;
  return created;
};
const stringArray = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(record(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const MOUNT_TYPE = { bind: 'bind', volume: 'volume', tmpfs: 'tmpfs' } as const;

const toEnv = (env: Record<string, string>): string[] => Object.entries(env).map(([k, v]) => `${k}=${v}`);
const toMounts = (mounts: ServiceMount[]): Json[] =>
  mounts.map((m) => ({
    Type: MOUNT_TYPE[m.type],
    ...(m.source !== undefined ? { Source: m.source } : {}),
    Target: m.target,
    ...(m.readOnly !== undefined ? { ReadOnly: m.readOnly } : {}),
  }));
const toPorts = (ports: ServicePort[]): Json[] =>
  ports.map((p) => ({
    Protocol: p.protocol ?? 'tcp',
    TargetPort: p.target,
    ...(p.published !== undefined ? { PublishedPort: p.published } : {}),
    PublishMode: p.mode ?? 'ingress',
  }));
const toNetworks = (networks: string[]): Json[] => networks.map((Target) => ({ Target }));

/** Sets NanoCPUs and MemoryBytes from `amounts`, removing those not given and keeping every other key. */
const setAmounts = (target: Json, amounts: z.infer<typeof resourceAmounts> | undefined): void => {
  delete target.NanoCPUs;
  delete target.MemoryBytes;
  if (amounts?.cpus !== undefined) target.NanoCPUs = Math.round(amounts.cpus * 1e9);
  if (amounts?.memoryBytes !== undefined) target.MemoryBytes = amounts.memoryBytes;
};

const setOrDelete = (target: Json, key: string, value: unknown[] | undefined): void => {
  if (value === undefined || value.length === 0) delete target[key];
  else target[key] = value;
};

/** The engine's durations are integer nanoseconds. */
const ns = (secondsValue: number): number => Math.round(secondsValue * 1e9);
const fromNs = (v: unknown): number | undefined => (finite(v) === undefined ? undefined : (v as number) / 1e9);
const setOrDeleteObject = (target: Json, key: string, value: Json): void => {
  if (Object.keys(value).length === 0) delete target[key];
  else target[key] = value;
};
type RolloutConfig = NonNullable<ServiceInput['updateConfig']>;
const toRollout = (c: Partial<RolloutConfig> & { failureAction?: string }): Json => ({
  ...(c.parallelism !== undefined ? { Parallelism: c.parallelism } : {}),
  ...(c.delaySeconds !== undefined ? { Delay: ns(c.delaySeconds) } : {}),
  ...(c.failureAction !== undefined ? { FailureAction: c.failureAction } : {}),
  ...(c.monitorSeconds !== undefined ? { Monitor: ns(c.monitorSeconds) } : {}),
  ...(c.maxFailureRatio !== undefined ? { MaxFailureRatio: c.maxFailureRatio } : {}),
  ...(c.order !== undefined ? { Order: c.order } : {}),
});
/** Drops undefined values, so a read-back spec compares equal to the input that made it. */
const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const fromRollout = (v: unknown): Json | undefined => {
  const r = record(v);
  if (Object.keys(r).length === 0) return undefined;
  return defined({
    parallelism: finite(r.Parallelism),
    delaySeconds: fromNs(r.Delay),
    failureAction: typeof r.FailureAction === 'string' && r.FailureAction !== '' ? r.FailureAction : undefined,
    monitorSeconds: fromNs(r.Monitor),
    maxFailureRatio: finite(r.MaxFailureRatio),
    order: typeof r.Order === 'string' && r.Order !== '' ? r.Order : undefined,
  });
};

const specMode = (spec: Json): 'replicated' | 'global' => {
  const mode = record(spec.Mode);
  return 'Global' in mode || 'GlobalJob' in mode ? 'global' : 'replicated';
};

const invalid = (path: string, message: string): AppError => invalidField(path, message);

/** The Engine API ServiceSpec for a new service (mode `replicated` with 1 replica unless told otherwise). */
export function toServiceSpec(input: ServiceInput, objects: AttachableObjects = {}): DockerServiceSpec {
  const spec: DockerServiceSpec = {
    Name: input.name,
    Labels: { ...(input.labels ?? {}) },
    TaskTemplate: { ContainerSpec: { Image: input.image } },
    Mode: input.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: input.replicas ?? 1 } },
  };
  return applyServiceInput(spec, { ...input, name: undefined, image: undefined, mode: undefined, replicas: undefined, labels: undefined }, objects);
}

/**
 * The update semantics of the contract: each field given in `patch` replaces its part of `current`; fields left
 * out keep their value, and every part of `current` that ServiceInput does not describe (update config, log
 * driver, capabilities…) stays as it was, so the security policy can judge the whole result.
 * `current` is not modified. Throws `validation_failed` for a rename, a mode change, or replicas on a global service.
 */
export function applyServiceInput(current: DockerServiceSpec, patch: Partial<ServiceInput>, objects: AttachableObjects = {}): DockerServiceSpec {
  const spec = structuredClone(current) as DockerServiceSpec;
  if (patch.name !== undefined && patch.name !== spec.Name) throw invalid('name', 'a service cannot be renamed');
  if (patch.mode !== undefined && patch.mode !== specMode(spec)) throw invalid('mode', 'a service cannot change mode');
  if (patch.replicas !== undefined) {
    if (specMode(spec) === 'global') throw invalid('replicas', 'replicas applies only to mode "replicated"');
    const mode = child(spec, 'Mode');
    child(mode, 'Replicated').Replicas = patch.replicas;
  }
  if (patch.labels !== undefined) spec.Labels = { ...patch.labels };

  const task = child(spec, 'TaskTemplate');
  const container = child(task, 'ContainerSpec');
  if (patch.image !== undefined) container.Image = patch.image;
  if (patch.command !== undefined) setOrDelete(container, 'Command', [...patch.command]);
  if (patch.args !== undefined) setOrDelete(container, 'Args', [...patch.args]);
  if (patch.env !== undefined) setOrDelete(container, 'Env', toEnv(patch.env));
  if (patch.mounts !== undefined) setOrDelete(container, 'Mounts', toMounts(patch.mounts));
  if (patch.constraints !== undefined) {
    const placement = child(task, 'Placement');
    setOrDelete(placement, 'Constraints', [...patch.constraints]);
    if (Object.keys(placement).length === 0) delete task.Placement;
  }
  if (patch.resources !== undefined) {
    const resources = child(task, 'Resources');
    setAmounts(child(resources, 'Limits'), patch.resources.limits);
    setAmounts(child(resources, 'Reservations'), patch.resources.reservations);
    for (const key of ['Limits', 'Reservations']) if (Object.keys(record(resources[key])).length === 0) delete resources[key];
    if (Object.keys(resources).length === 0) delete task.Resources;
  }
  if (patch.networks !== undefined) {
    // NOTE: the top-level Networks is deprecated since API 1.25 in favour of TaskTemplate.Networks.
    delete spec.Networks;
    setOrDelete(task, 'Networks', toNetworks(patch.networks));
  }
  if (patch.secrets !== undefined) setOrDelete(container, 'Secrets', toReferences('secret', patch.secrets, objects.secrets));
  if (patch.configs !== undefined) setOrDelete(container, 'Configs', toReferences('config', patch.configs, objects.configs));
  if (patch.updateConfig !== undefined) setOrDeleteObject(spec as Json, 'UpdateConfig', toRollout(patch.updateConfig));
  if (patch.rollbackConfig !== undefined) setOrDeleteObject(spec as Json, 'RollbackConfig', toRollout(patch.rollbackConfig));
  if (patch.restartPolicy !== undefined) {
    const r = patch.restartPolicy;
    setOrDeleteObject(task, 'RestartPolicy', {
      ...(r.condition !== undefined ? { Condition: r.condition } : {}),
      ...(r.delaySeconds !== undefined ? { Delay: ns(r.delaySeconds) } : {}),
      ...(r.maxAttempts !== undefined ? { MaxAttempts: r.maxAttempts } : {}),
      ...(r.windowSeconds !== undefined ? { Window: ns(r.windowSeconds) } : {}),
    });
  }
  if (patch.healthcheck !== undefined) {
    const h = patch.healthcheck;
    setOrDeleteObject(container, 'Healthcheck', {
      Test: [...h.test],
      ...(h.intervalSeconds !== undefined ? { Interval: ns(h.intervalSeconds) } : {}),
      ...(h.timeoutSeconds !== undefined ? { Timeout: ns(h.timeoutSeconds) } : {}),
      ...(h.retries !== undefined ? { Retries: h.retries } : {}),
      ...(h.startPeriodSeconds !== undefined ? { StartPeriod: ns(h.startPeriodSeconds) } : {}),
    });
  }
  if (patch.placementPreferences !== undefined) {
    const placement = child(task, 'Placement');
    setOrDelete(placement, 'Preferences', patch.placementPreferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })));
    if (Object.keys(placement).length === 0) delete task.Placement;
  }
  if (patch.ports !== undefined) {
    const endpoint = child(spec, 'EndpointSpec');
    setOrDelete(endpoint, 'Ports', toPorts(patch.ports));
    if (Object.keys(endpoint).length === 0) delete spec.EndpointSpec;
  }
  return spec;
}

/** Reads from the engine only what `input` attaches: the secrets when it names any, the configs likewise. */
export async function readAttachable(
  swarm: { listSecrets(): Promise<SwarmObject[]>; listConfigs(): Promise<SwarmObject[]> },
  input: Partial<Pick<ServiceInput, 'secrets' | 'configs'>>,
): Promise<AttachableObjects> {
  const [secrets, configs] = await Promise.all([
    input.secrets?.length ? swarm.listSecrets() : undefined,
    input.configs?.length ? swarm.listConfigs() : undefined,
  ]);
  return { ...(secrets ? { secrets } : {}), ...(configs ? { configs } : {}) };
}

/** Engine references to the latest version of each attachment; `validation_failed` names one that does not exist. */
function toReferences(kind: 'secret' | 'config', attachments: ServiceAttachment[], objects: readonly SwarmObject[] | undefined): Json[] {
  const field = kind === 'secret' ? 'secrets' : 'configs';
  return attachments.map((a, i) => {
    const found = objects && latestOf(objects, a.name);
    if (!found) {
      const message = `no ${kind} named ${JSON.stringify(a.name)}`;
      throw new AppError('validation_failed', message, { details: [{ field: `${field}.${i}.name`, message }] });
    }
    const file = { Name: a.target ?? (kind === 'secret' ? a.name : `/${a.name}`), UID: '0', GID: '0', Mode: 0o444 };
    return kind === 'secret'
      ? { File: file, SecretID: found.id, SecretName: found.name }
      : { File: file, ConfigID: found.id, ConfigName: found.name };
  });
}

const fromReferences = (refs: unknown, nameKey: string): ServiceAttachment[] =>
  (Array.isArray(refs) ? refs : []).flatMap((r: unknown) => {
    const ref = record(r);
    const engine = ref[nameKey];
    if (typeof engine !== 'string') return [];
    const target = record(ref.File).Name;
    return [{ name: parseEngineName(engine).name, ...(typeof target === 'string' ? { target } : {}) }];
  });

/** The spec with TaskTemplate.ForceUpdate incremented: the engine then replaces every task (restart-service). */
export function withForceUpdate(current: DockerServiceSpec): DockerServiceSpec {
  const spec = structuredClone(current) as DockerServiceSpec;
  const task = child(spec, 'TaskTemplate');
  task.ForceUpdate = (finite(task.ForceUpdate) ?? 0) + 1;
  return spec;
}

const fromAmounts = (v: unknown): z.infer<typeof resourceAmounts> | undefined => {
  const r = record(v);
  const nano = finite(r.NanoCPUs);
  const memory = finite(r.MemoryBytes);
  if (!nano && !memory) return undefined;
  return { ...(nano ? { cpus: nano / 1e9 } : {}), ...(memory ? { memoryBytes: memory } : {}) };
};

/**
 * The ServiceInput view of an engine spec, for the SPA's edit form. Lossy by design: parts that ServiceInput
 * does not describe are left out, and the result is not guaranteed to pass `serviceInputSchema`.
 */
export function fromServiceSpec(spec: DockerServiceSpec): ServiceInput {
  const task = record(spec.TaskTemplate);
  const container = record(task.ContainerSpec);
  const mode = specMode(spec);
  const replicas = finite(record(record(spec.Mode).Replicated).Replicas);
  const env = Object.fromEntries(
    stringArray(container.Env).map((kv) => {
      const at = kv.indexOf('=');
      return at < 0 ? [kv, ''] : [kv.slice(0, at), kv.slice(at + 1)];
    }),
  );
  const mounts: ServiceMount[] = (Array.isArray(container.Mounts) ? container.Mounts : []).flatMap((m: unknown) => {
    const r = record(m);
    const type = r.Type;
    if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') return [];
    if (typeof r.Target !== 'string') return [];
    return [{
      type,
      ...(typeof r.Source === 'string' && r.Source !== '' ? { source: r.Source } : {}),
      target: r.Target,
      ...(r.ReadOnly === true ? { readOnly: true } : {}),
    }];
  });
  const ports: ServicePort[] = (Array.isArray(record(spec.EndpointSpec).Ports) ? (record(spec.EndpointSpec).Ports as unknown[]) : []).flatMap(
    (p: unknown) => {
      const r = record(p);
      const target = finite(r.TargetPort);
      if (target === undefined) return [];
      const published = finite(r.PublishedPort);
      const protocol = r.Protocol === 'udp' || r.Protocol === 'sctp' ? r.Protocol : 'tcp';
      const portMode = r.PublishMode === 'host' ? 'host' : 'ingress';
      return [{ target, ...(published ? { published } : {}), protocol, mode: portMode }];
    },
  );
  const networkList = Array.isArray(task.Networks) ? task.Networks : Array.isArray(spec.Networks) ? spec.Networks : [];
  const networks = networkList.map((n: unknown) => record(n).Target).filter((t): t is string => typeof t === 'string');
  const resources = record(task.Resources);
  const limits = fromAmounts(resources.Limits);
  const reservations = fromAmounts(resources.Reservations);
  const secrets = fromReferences(container.Secrets, 'SecretName');
  const configs = fromReferences(container.Configs, 'ConfigName');
  const updateConfig = fromRollout(spec.UpdateConfig);
  const rollbackConfig = fromRollout(spec.RollbackConfig);
  const restart = record(task.RestartPolicy);
  const restartPolicy = Object.keys(restart).length === 0 ? undefined : defined({
    condition: typeof restart.Condition === 'string' && restart.Condition !== '' ? restart.Condition : undefined,
    delaySeconds: fromNs(restart.Delay),
    maxAttempts: finite(restart.MaxAttempts),
    windowSeconds: fromNs(restart.Window),
  });
  const health = record(container.Healthcheck);
  const healthcheck = stringArray(health.Test).length === 0 ? undefined : defined({
    test: stringArray(health.Test),
    intervalSeconds: fromNs(health.Interval),
    timeoutSeconds: fromNs(health.Timeout),
    retries: finite(health.Retries),
    startPeriodSeconds: fromNs(health.StartPeriod),
  });
  const placementPreferences = (Array.isArray(record(task.Placement).Preferences) ? (record(task.Placement).Preferences as unknown[]) : [])
    .map((p) => record(record(p).Spread).SpreadDescriptor)
    .filter((d): d is string => typeof d === 'string')
    .map((spread) => ({ spread }));
  return {
    name: typeof spec.Name === 'string' ? spec.Name : '',
    image: typeof container.Image === 'string' ? container.Image : '',
    mode,
    ...(mode === 'replicated' && replicas !== undefined ? { replicas } : {}),
    command: stringArray(container.Command),
    args: stringArray(container.Args),
    env,
    labels: stringMap(spec.Labels),
    ports,
    mounts,
    constraints: stringArray(record(task.Placement).Constraints),
    resources: { ...(limits ? { limits } : {}), ...(reservations ? { reservations } : {}) },
    networks,
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(configs.length > 0 ? { configs } : {}),
    ...(updateConfig ? { updateConfig: updateConfig as ServiceInput['updateConfig'] } : {}),
    ...(rollbackConfig ? { rollbackConfig: rollbackConfig as ServiceInput['rollbackConfig'] } : {}),
    ...(restartPolicy ? { restartPolicy: restartPolicy as ServiceInput['restartPolicy'] } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    ...(placementPreferences.length > 0 ? { placementPreferences } : {}),
  };
}
