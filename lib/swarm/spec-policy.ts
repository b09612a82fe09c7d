/**
 * The security policy for service specs (api-contract.md, "Security policy for service specs" and 1.1's
 * "Security policy, tightened"; docs/api.md, "The tightened security policy").
 *
 * A pure check of a whole Docker Engine API ServiceSpec (PascalCase, as sent to `POST /services/create`
 * and `/services/{id}/update`). Callers apply it, for users without `services.privileged`, to the spec
 * of a create, to the merged spec of an update and to the previous spec of a rollback.
 *
 * Deny by default: every object the engine reads is checked against an allow-list of keys known to be
 * harmless; anything else is a violation. Values of odd types are `malformed` violations, never crashes.
 * What only the engine knows (networks, volumes) comes in the PolicyContext, read by the gate; a context
 * that lacks it fails closed.
 */
import { AppError } from '../errors.ts';
import type { DockerServiceSpec, VolumeSummary } from './swarm.ts';

/**
 * Without `services.privileged`, named volumes must carry this prefix: volumes live per node and the manager
 * sees only its own, so a name is safe only when nobody creates such a volume with driver options on any
 * node (docs/api.md, "Volumes on other nodes").
 */
export const WORKLOAD_VOLUME_PREFIX = 'workload-';
/** The label an operator puts on the networks that workloads without `services.privileged` may join. */
export const WORKLOAD_NETWORK_LABEL = 'dashboard.workloads';
/**
 * Published ports that stay the engine's, the swarm's (2377 management, 7946 gossip, 4789 VXLAN), the OpenFaaS
 * gateway's (31112, published by stack.yml on every node), and below 1024.
 */
export const RESERVED_PORTS: readonly number[] = [2375, 2376, 2377, 4789, 7946, 31112];
/** The published ports users without services.privileged may use when the operator names no range. */
export const DEFAULT_PORT_RANGE: readonly [number, number] = [1024, 65535];

/** Whether a label key is reserved for the dashboard, OpenFaaS and Docker (contract 1.1). */
export function isReservedLabel(key: string): boolean {
  const k = key.trim().toLowerCase();
  return k === 'function' || ['com.openfaas', 'com.docker', 'dashboard'].some((p) => k === p || k.startsWith(`${p}.`));
}

/** Every rule the policy can report, as a stable snake_case string. */
export const POLICY_RULES = [
  'malformed',
  'unknown_field',
  'bind_mount',
  'npipe_mount',
  'cluster_volume',
  'mount_type',
  'volume_driver',
  'volume_bind_options',
  'volume_driver_options',
  'volume_subpath',
  'docker_socket',
  'host_network',
  'network_driver_options',
  'privileged',
  'privileges',
  'capability_add',
  'sysctls',
  'ulimits',
  'devices',
  'host_namespace',
  'isolation',
  'oom_score_adj',
  'secrets',
  'configs',
  'task_runtime',
  'log_driver',
  'volume_namespace',
  'volume_on_engine',
  'unlabelled_network',
  'reserved_label',
  'host_port',
  'privileged_service',
] as const;

export type PolicyRule = (typeof POLICY_RULES)[number];

/** One broken rule: `path` points into the spec (`TaskTemplate.ContainerSpec.Mounts[0].Source`). */
export interface PolicyViolation {
  rule: PolicyRule;
  path: string;
  message: string;
}

export interface PolicyContext {
  /** Names and ids of the networks that must never be attached (host, none), from `Swarm.listNetworks()`. */
  hostNetworks: string[];
  /**
   * Names and full ids of the networks labelled `dashboard.workloads=true`, the only ones a spec may join
   * (a name that an unlabelled network also holds must be left out: the engine could pick either).
   */
  workloadNetworks: string[];
  /** What `Swarm.inspectVolume` answered for each named volume the spec mounts; null: the manager has none. */
  volumes: Readonly<Record<string, VolumeSummary | null>>;
  /**
   * Published ports: `reserved` adds to RESERVED_PORTS and those below 1024; a port outside `range` (default
   * 1024–65535) is refused too; `allowed` ranges lift all of it.
   */
  ports: { reserved: readonly number[]; allowed: ReadonlyArray<readonly [number, number]>; range?: readonly [number, number] };
  /**
   * Ids of the secrets and configs the caller may attach (it holds secrets.read / configs.read and they exist),
   * read by the gate; absent: none may be attached.
   */
  secrets?: readonly string[];
  configs?: readonly string[];
}

/** Every rule the spec breaks, in document order; an empty list when the spec is allowed. */
export function checkServiceSpec(spec: DockerServiceSpec, context: PolicyContext): PolicyViolation[] {
  const check = new Check(readContext(context));
  try {
    check.serviceSpec(spec);
  } catch {
    // NOTE: unreachable for JSON input; a hostile object (a throwing getter, a Proxy) still fails closed.
    check.report('malformed', '', 'the spec could not be read');
  }
  return check.violations;
}

/** Throws AppError('policy_denied', …, {details: violations}) when there is any violation. */
export function enforceServiceSpec(spec: DockerServiceSpec, context: PolicyContext): void {
  const violations = checkServiceSpec(spec, context);
  if (violations.length === 0) return;
  const rules = [...new Set(violations.map((v) => v.rule))].join(', ');
  throw new AppError('policy_denied', `The service spec breaks the security policy (${rules}); this needs services.privileged`, {
    details: violations,
  });
}

/**
 * For update, scale, restart, rollback and delete of an existing service: its current spec must itself pass
 * the policy, or operating it needs services.privileged. Throws policy_denied whose details start with a
 * `privileged_service` entry, then the current spec's violations.
 */
export function enforceOperableService(name: string, current: DockerServiceSpec, context: PolicyContext): void {
  const violations = checkServiceSpec(current, context);
  if (violations.length === 0) return;
  const rules = [...new Set(violations.map((v) => v.rule))].join(', ');
  throw new AppError('policy_denied', `Service ${name}'s current spec needs services.privileged (${rules}), so operating it does too`, {
    details: [{ rule: 'privileged_service', path: '', message: `the current spec of ${name} breaks the security policy` }, ...violations],
  });
}

// ---------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string[]';

const SPEC_KEYS = new Set(['Name', 'Labels', 'TaskTemplate', 'Mode', 'UpdateConfig', 'RollbackConfig', 'Networks', 'EndpointSpec']);
const MODE_KEYS = new Set(['Replicated', 'Global', 'ReplicatedJob', 'GlobalJob']);
const ENDPOINT_KEYS = new Set(['Mode', 'Ports']);
const PORT_KEYS = kinds({
  Name: 'string',
  Protocol: 'string',
  TargetPort: 'number',
  PublishedPort: 'number',
  PublishMode: 'string',
});
const TASK_KEYS = kinds({
  Resources: 'object',
  RestartPolicy: 'object',
  Placement: 'object',
  ForceUpdate: 'number',
});
// NOTE: the engine's struct has `Healthcheck`; the API reference spells it `HealthCheck`. Go's JSON decoder
// matches keys case-insensitively, so both reach the same field, and both are harmless.
const CONTAINER_KEYS = kinds({
  Image: 'string',
  Labels: 'object',
  Command: 'string[]',
  Args: 'string[]',
  Hostname: 'string',
  Env: 'string[]',
  Dir: 'string',
  User: 'string',
  Groups: 'string[]',
  TTY: 'boolean',
  OpenStdin: 'boolean',
  ReadOnly: 'boolean',
  StopSignal: 'string',
  StopGracePeriod: 'number',
  Healthcheck: 'object',
  HealthCheck: 'object',
  Hosts: 'string[]',
  DNSConfig: 'object',
  Init: 'boolean',
  CapabilityDrop: 'string[]',
});
/** Keys that are not in the engine's ContainerSpec (or no longer), named for what they would ask for. */
const CONTAINER_FOREIGN_KEYS = new Map<string, PolicyRule>(Object.entries({
  Privileged: 'privileged',
  SecurityOpt: 'privileges',
  Capabilities: 'capability_add',
  CapAdd: 'capability_add',
  Devices: 'devices',
  DeviceRequests: 'devices',
  DeviceCgroupRules: 'devices',
  PidMode: 'host_namespace',
  IpcMode: 'host_namespace',
  UTSMode: 'host_namespace',
  UsernsMode: 'host_namespace',
  NetworkMode: 'host_namespace',
  CgroupnsMode: 'host_namespace',
  Cgroup: 'host_namespace',
  CgroupParent: 'host_namespace',
} satisfies Record<string, PolicyRule>));
const MOUNT_KEYS = new Set(['Type', 'Source', 'Target', 'ReadOnly', 'Consistency', 'BindOptions', 'VolumeOptions', 'TmpfsOptions', 'ImageOptions']);
const VOLUME_OPTION_KEYS = new Set(['NoCopy', 'Labels', 'DriverConfig', 'Subpath']);
const TMPFS_OPTION_KEYS = new Set(['SizeBytes', 'Mode', 'Options']);
const FILE_TARGET_KEYS = new Set(['Name', 'UID', 'GID', 'Mode']);
const PRIVILEGE_KEYS = new Set(['CredentialSpec', 'SELinuxContext', 'Seccomp', 'AppArmor', 'NoNewPrivileges']);
const NETWORK_KEYS = new Set(['Target', 'Aliases', 'DriverOpts']);
// NOTE: log drivers run inside the daemon, as root on the host. syslog/fluentd/gelf/splunk/awslogs take
// addresses (including unix sockets) and credentials the daemon then uses, and any other name may load a
// plugin. Only the two file drivers (and none), with options that size and label the files, are allowed.
const LOG_DRIVERS = new Set(['json-file', 'local', 'none']);
const LOG_OPTIONS = new Set(['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag', 'mode', 'max-buffer-size']);

// Where the Docker and containerd sockets live on a host, for "is this host path an ancestor of one".
const SOCKET_HOME = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock'];

interface Facts {
  hostNetworks: string[];
  workloadNetworks: Set<string>;
  volumes: ReadonlyMap<string, VolumeSummary | null>;
  reservedPorts: Set<number>;
  allowedPorts: Array<readonly [number, number]>;
  portRange: readonly [number, number];
  secrets: Set<string>;
  configs: Set<string>;
}

class Check {
  readonly violations: PolicyViolation[] = [];

  constructor(private readonly facts: Facts) {}

  report(rule: PolicyRule, path: string, message: string): void {
    this.violations.push({ rule, path, message });
  }

  serviceSpec(spec: unknown): void {
    if (!this.expect(spec, 'object', '')) return;
    const s = spec as Json;
    for (const key of Object.keys(s)) {
      if (!SPEC_KEYS.has(key)) this.unknown(s, key, '');
    }
    this.expect(get(s, 'Name'), 'string', 'Name');
    this.labels(get(s, 'Labels'), 'Labels');
    this.expect(get(s, 'UpdateConfig'), 'object', 'UpdateConfig');
    this.expect(get(s, 'RollbackConfig'), 'object', 'RollbackConfig');
    this.mode(get(s, 'Mode'));
    this.endpointSpec(get(s, 'EndpointSpec'));
    // NOTE: the engine falls back to the deprecated top-level Networks when TaskTemplate.Networks is empty;
    // both are checked whatever the engine would pick.
    this.networks(get(s, 'Networks'), 'Networks');
    this.taskTemplate(get(s, 'TaskTemplate'));
  }

  private mode(mode: unknown): void {
    if (!this.expect(mode, 'object', 'Mode') || mode == null) return;
    const m = mode as Json;
    for (const key of Object.keys(m)) {
      if (!MODE_KEYS.has(key)) this.unknown(m, key, 'Mode');
      else this.expect(m[key], 'object', `Mode.${key}`);
    }
  }

  // Publishing in host mode is allowed: this engine has no routing mesh, so it is the only way to publish.
  private endpointSpec(endpoint: unknown): void {
    if (!this.expect(endpoint, 'object', 'EndpointSpec') || endpoint == null) return;
    const e = endpoint as Json;
    for (const key of Object.keys(e)) {
      if (!ENDPOINT_KEYS.has(key)) this.unknown(e, key, 'EndpointSpec');
    }
    this.expect(get(e, 'Mode'), 'string', 'EndpointSpec.Mode');
    this.eachObject(get(e, 'Ports'), 'EndpointSpec.Ports', (port, path) => {
      for (const key of Object.keys(port)) {
        const kind = PORT_KEYS.get(key);
        if (kind === undefined) this.unknown(port, key, path);
        else this.expect(port[key], kind, `${path}.${key}`);
      }
      const published = get(port, 'PublishedPort');
      if (typeof published === 'number' && Number.isFinite(published) && published !== 0 && this.isReservedPort(published)) {
        this.report('host_port', `${path}.PublishedPort`, `publishing port ${published} is not allowed (below 1024, outside the allowed range, or the engine's, the swarm's or the dashboard's own)`);
      }
    });
  }

  // NOTE: 0 lets the engine pick a port from its dynamic range; anything else outside 1–65535 is refused by it.
  private isReservedPort(port: number): boolean {
    if (this.facts.allowedPorts.some(([from, to]) => port >= from && port <= to)) return false;
    const [from, to] = this.facts.portRange;
    return port < 1024 || port < from || port > to || this.facts.reservedPorts.has(port);
  }

  private labels(labels: unknown, path: string): void {
    if (!this.expect(labels, 'object', path) || labels == null) return;
    for (const key of Object.keys(labels as Json)) {
      if (isReservedLabel(key)) this.report('reserved_label', `${path}.${key}`, `label ${show(key)} is reserved (function, com.openfaas.*, com.docker.*, dashboard.*)`);
    }
  }

  private taskTemplate(task: unknown): void {
    const base = 'TaskTemplate';
    if (!this.expect(task, 'object', base) || task == null) return;
    const t = task as Json;
    for (const key of Object.keys(t)) {
      const path = `${base}.${key}`;
      const value = t[key];
      const kind = TASK_KEYS.get(key);
      if (kind !== undefined) this.expect(value, kind, path);
      else if (key === 'ContainerSpec') this.containerSpec(value, path);
      else if (key === 'Networks') this.networks(value, path);
      else if (key === 'LogDriver') this.logDriver(value, path);
      else if (key === 'Runtime') {
        if (this.expect(value, 'string', path) && value != null && value !== '' && value !== 'container') {
          this.report('task_runtime', path, `runtime ${show(value)} is not allowed; only "container"`);
        }
      } else if (key === 'PluginSpec' || key === 'NetworkAttachmentSpec') {
        if (value != null) this.report('task_runtime', path, `${key} runs something other than a container`);
      } else this.unknown(t, key, base);
    }
  }

  private containerSpec(container: unknown, base: string): void {
    if (!this.expect(container, 'object', base) || container == null) return;
    const c = container as Json;
    for (const key of Object.keys(c)) {
      const path = `${base}.${key}`;
      const value = c[key];
      const kind = CONTAINER_KEYS.get(key);
      if (kind !== undefined) {
        if (key === 'Labels') this.labels(value, path);
        else this.expect(value, kind, path);
        continue;
      }
      switch (key) {
        case 'Mounts':
          this.eachObject(value, path, (mount, at) => this.mount(mount, at));
          break;
        case 'Privileges':
          this.privileges(value, path);
          break;
        case 'CapabilityAdd':
          if (this.expect(value, 'string[]', path) && nonEmpty(value)) {
            this.report('capability_add', path, `adding capabilities (${show(value)}) is not allowed`);
          }
          break;
        case 'Sysctls':
          if (this.expect(value, 'object', path) && nonEmpty(value)) this.report('sysctls', path, 'setting sysctls is not allowed');
          break;
        case 'Ulimits':
          if (this.expect(value, 'array', path) && nonEmpty(value)) this.report('ulimits', path, 'setting ulimits is not allowed');
          break;
        case 'Secrets':
          // NOTE: attaching a secret hands its content to whoever runs the service, so only those the caller
          // may read (secrets.read, resolved to ids by the gate) are allowed. The engine resolves SecretID.
          this.eachObject(value, path, (ref, at) => this.reference(ref, at, 'secrets'));
          break;
        case 'Configs':
          this.eachObject(value, path, (ref, at) => this.reference(ref, at, 'configs'));
          break;
        case 'Isolation':
          if (this.expect(value, 'string', path) && value != null && !['', 'default'].includes((value as string).toLowerCase())) {
            this.report('isolation', path, `isolation ${show(value)} is not allowed; only "default"`);
          }
          break;
        case 'OomScoreAdj':
          if (this.expect(value, 'number', path) && typeof value === 'number' && value < 0) {
            this.report('oom_score_adj', path, 'a negative OOM score adjustment is not allowed');
          }
          break;
        default: {
          const rule = CONTAINER_FOREIGN_KEYS.get(key);
          if (rule === undefined) this.unknown(c, key, base);
          else if (!isZero(value)) this.report(rule, path, `${key} is not allowed`);
        }
      }
    }
  }

  // A file target only: a config with a Runtime target feeds a credential spec, which is a privilege.
  private reference(ref: Json, base: string, kind: 'secrets' | 'configs'): void {
    const idKey = kind === 'secrets' ? 'SecretID' : 'ConfigID';
    const nameKey = kind === 'secrets' ? 'SecretName' : 'ConfigName';
    for (const key of Object.keys(ref)) {
      if (key === 'Runtime' && kind === 'configs') {
        if (ref[key] != null) this.report('configs', `${base}.Runtime`, 'a config with a runtime target (credential spec) is not allowed');
      } else if (key !== idKey && key !== nameKey && key !== 'File') this.unknown(ref, key, base);
    }
    this.expect(get(ref, nameKey), 'string', `${base}.${nameKey}`);
    const id = get(ref, idKey);
    if (!this.expect(id, 'string', `${base}.${idKey}`)) return;
    const allowed = kind === 'secrets' ? this.facts.secrets : this.facts.configs;
    if (typeof id !== 'string' || !allowed.has(id)) {
      const what = kind === 'secrets' ? 'secret' : 'config';
      this.report(kind, `${base}.${idKey}`, `${what} ${show(id ?? get(ref, nameKey))} is not one the caller may attach (it needs ${kind}.read, and the ${what} must exist)`);
    }
    const file = get(ref, 'File');
    if (this.expect(file, 'object', `${base}.File`) && file != null) {
      const f = file as Json;
      for (const key of Object.keys(f)) {
        if (!FILE_TARGET_KEYS.has(key)) this.unknown(f, key, `${base}.File`);
      }
      this.expect(get(f, 'Name'), 'string', `${base}.File.Name`);
      this.expect(get(f, 'UID'), 'string', `${base}.File.UID`);
      this.expect(get(f, 'GID'), 'string', `${base}.File.GID`);
      this.expect(get(f, 'Mode'), 'number', `${base}.File.Mode`);
    }
  }

  private privileges(privileges: unknown, base: string): void {
    if (!this.expect(privileges, 'object', base) || privileges == null) return;
    const p = privileges as Json;
    for (const key of Object.keys(p)) {
      if (!PRIVILEGE_KEYS.has(key)) this.unknown(p, key, base);
    }
    if (get(p, 'CredentialSpec') != null) this.report('privileges', `${base}.CredentialSpec`, 'credential specs are not allowed');

    const selinux = get(p, 'SELinuxContext');
    if (this.expect(selinux, 'object', `${base}.SELinuxContext`) && selinux != null && Object.values(selinux as Json).some((v) => !isZero(v))) {
      this.report('privileges', `${base}.SELinuxContext`, 'changing or disabling the SELinux label is not allowed');
    }
    for (const [key, allowed] of [
      ['Seccomp', 'default'],
      ['AppArmor', 'default'],
    ] as const) {
      const opts = get(p, key);
      const path = `${base}.${key}`;
      if (!this.expect(opts, 'object', path) || opts == null) continue;
      const o = opts as Json;
      const mode = get(o, 'Mode');
      const extra = Object.keys(o).filter((k) => k !== 'Mode' && o[k] != null);
      if ((mode != null && mode !== '' && mode !== allowed) || extra.length > 0) {
        this.report('privileges', path, `${key} must stay at its default profile (got ${show(o)})`);
      }
    }
    // NOTE: NoNewPrivileges false is the engine's default (only true adds the security option), so both
    // values are allowed.
    this.expect(get(p, 'NoNewPrivileges'), 'boolean', `${base}.NoNewPrivileges`);
  }

  private mount(m: Json, base: string): void {
    for (const key of Object.keys(m)) {
      if (!MOUNT_KEYS.has(key)) this.unknown(m, key, base);
    }
    const type = get(m, 'Type');
    const source = get(m, 'Source');
    const target = get(m, 'Target');
    const typeOk = this.expect(type, 'string', `${base}.Type`);
    this.expect(source, 'string', `${base}.Source`);
    this.expect(target, 'string', `${base}.Target`);
    this.expect(get(m, 'ReadOnly'), 'boolean', `${base}.ReadOnly`);

    if (typeOk) {
      // NOTE: the engine upper-cases the type before looking it up, and an empty type becomes BIND, the
      // zero value of swarmkit's Mount.Type (daemon/cluster/convert/container.go, containerToGRPC).
      const t = typeof type === 'string' ? type.trim().toLowerCase() : '';
      if (t === '' || t === 'bind') this.report('bind_mount', `${base}.Type`, `bind mounts are not allowed (${show(type ?? 'no type')} is a bind)`);
      else if (t === 'npipe') this.report('npipe_mount', `${base}.Type`, 'named pipe mounts are not allowed');
      else if (t === 'cluster') this.report('cluster_volume', `${base}.Type`, 'cluster (CSI) volumes are not allowed');
      else if (t !== 'volume' && t !== 'tmpfs') this.report('mount_type', `${base}.Type`, `mount type ${show(type)} is not allowed`);
    }

    if (typeof source === 'string' && (isSocketPath(normalizePath(source)) || isSocketAncestor(normalizePath(source)))) {
      this.report('docker_socket', `${base}.Source`, `${show(source)} would expose the Docker or containerd socket`);
    }
    if (typeof target === 'string' && isSocketPath(normalizePath(target))) {
      this.report('docker_socket', `${base}.Target`, `${show(target)} is where the Docker socket goes`);
    }

    if (typeOk && typeof type === 'string' && type.trim().toLowerCase() === 'volume' && typeof source === 'string' && source !== '') {
      this.namedVolume(source, `${base}.Source`);
    }

    // Checked whatever the type says: options that do not belong to the type must not slip through.
    this.volumeOptions(get(m, 'VolumeOptions'), `${base}.VolumeOptions`);
    const tmpfs = get(m, 'TmpfsOptions');
    if (this.expect(tmpfs, 'object', `${base}.TmpfsOptions`) && tmpfs != null) {
      for (const key of Object.keys(tmpfs as Json)) {
        if (!TMPFS_OPTION_KEYS.has(key)) this.unknown(tmpfs as Json, key, `${base}.TmpfsOptions`);
      }
    }
    this.expect(get(m, 'BindOptions'), 'object', `${base}.BindOptions`);
    this.expect(get(m, 'ImageOptions'), 'object', `${base}.ImageOptions`);
  }

  // NOTE: a named volume that exists keeps its own driver and options; the mount's DriverConfig applies only
  // when the engine creates it. So what the engine holds is judged, and names are confined to a namespace
  // because the manager cannot see the volumes of other nodes (docs/api.md, "Volumes on other nodes").
  private namedVolume(source: string, path: string): void {
    if (!source.startsWith(WORKLOAD_VOLUME_PREFIX) || !VOLUME_NAME.test(source)) {
      this.report('volume_namespace', path, `volume ${show(source)} is outside the workload namespace: named volumes must be "${WORKLOAD_VOLUME_PREFIX}<name>"`);
    }
    const found = this.facts.volumes.get(source);
    if (found === undefined) {
      this.report('volume_on_engine', path, `volume ${show(source)} was not inspected on the engine`);
      return;
    }
    if (found === null) return;
    const driver = typeof found.driver === 'string' ? found.driver : '';
    const options = found.options;
    if (driver !== 'local' || !isRecord(options) || Object.keys(options).length > 0) {
      this.report('volume_on_engine', path, `volume ${show(source)} exists with driver ${show(driver)} and options ${show(options)}; only a plain local volume is allowed`);
    }
  }

  private volumeOptions(options: unknown, base: string): void {
    if (!this.expect(options, 'object', base) || options == null) return;
    const v = options as Json;
    for (const key of Object.keys(v)) {
      if (!VOLUME_OPTION_KEYS.has(key)) this.unknown(v, key, base);
    }
    this.labels(get(v, 'Labels'), `${base}.Labels`);
    const subpath = get(v, 'Subpath');
    if (this.expect(subpath, 'string', `${base}.Subpath`) && typeof subpath === 'string' && subpath !== '') {
      const segments = subpath.replace(/\\/g, '/').split('/');
      if (subpath.trim().startsWith('/') || subpath.includes('\\') || segments.some((s) => s.trim() === '..')) {
        this.report('volume_subpath', `${base}.Subpath`, `subpath ${show(subpath)} must stay inside the volume`);
      }
    }

    const driver = get(v, 'DriverConfig');
    const driverPath = `${base}.DriverConfig`;
    if (!this.expect(driver, 'object', driverPath) || driver == null) return;
    const d = driver as Json;
    for (const key of Object.keys(d)) {
      if (key !== 'Name' && key !== 'Options') this.unknown(d, key, driverPath);
    }
    const name = get(d, 'Name');
    if (this.expect(name, 'string', `${driverPath}.Name`) && name != null && name !== '' && name !== 'local') {
      this.report('volume_driver', `${driverPath}.Name`, `volume driver ${show(name)} is not allowed; only "local"`);
    }
    const opts = get(d, 'Options');
    const optsPath = `${driverPath}.Options`;
    if (!this.expect(opts, 'object', optsPath) || opts == null) return;
    this.driverOptions(opts as Json, optsPath);
  }

  // NOTE: the local driver's options are mount(2) arguments that the daemon runs as root on the host:
  // `type=none,o=bind,device=/` is a bind of `/`, `type=ext4,device=/dev/sda1` mounts the host's disk,
  // `type=overlay,o=lowerdir=/` reads the host. Bind-like options are named as such, anything else is
  // still denied. Keys and values are compared case-insensitively.
  private driverOptions(opts: Json, base: string): void {
    let bindLike = false;
    let other = false;
    for (const key of Object.keys(opts)) {
      const value = opts[key];
      const path = `${base}.${key}`;
      if (!this.expect(value, 'string', path)) continue;
      const k = key.trim().toLowerCase();
      const val = typeof value === 'string' ? value.trim().toLowerCase() : '';
      if (k === 'device' && val !== '') {
        bindLike = true;
        const device = normalizePath(value as string);
        if (isSocketPath(device) || isSocketAncestor(device)) {
          this.report('docker_socket', path, `${show(value)} would expose the Docker or containerd socket`);
        }
      } else if ((k === 'type' && (val === 'none' || val.includes('bind'))) || (k === 'o' && val.includes('bind'))) bindLike = true;
      else if (!isZero(value)) other = true;
    }
    if (bindLike) this.report('volume_bind_options', base, `driver options ${show(opts)} make the volume a bind mount`);
    else if (other) this.report('volume_driver_options', base, `volume driver options ${show(opts)} are not allowed`);
  }

  private networks(networks: unknown, base: string): void {
    this.eachObject(networks, base, (n, path) => {
      for (const key of Object.keys(n)) {
        if (!NETWORK_KEYS.has(key)) this.unknown(n, key, path);
      }
      const target = get(n, 'Target');
      if (this.expect(target, 'string', `${path}.Target`) && typeof target === 'string') {
        if (this.isHostNetwork(target)) this.report('host_network', `${path}.Target`, `network ${show(target)} is the host's (or none) network`);
        else if (!this.facts.workloadNetworks.has(target)) {
          this.report('unlabelled_network', `${path}.Target`, `network ${show(target)} does not carry the label ${WORKLOAD_NETWORK_LABEL}=true`);
        }
      } else if (target == null) {
        this.report('unlabelled_network', `${path}.Target`, 'a network attachment needs a target');
      }
      this.expect(get(n, 'Aliases'), 'string[]', `${path}.Aliases`);
      const opts = get(n, 'DriverOpts');
      if (this.expect(opts, 'object', `${path}.DriverOpts`) && nonEmpty(opts)) {
        this.report('network_driver_options', `${path}.DriverOpts`, 'network driver options are not allowed');
      }
    });
  }

  // NOTE: the daemon resolves a network by full id, then name, then id prefix (daemon.FindNetwork), so a
  // prefix of a host network's id reaches it too. Names are compared case-insensitively to fail closed.
  private isHostNetwork(target: string): boolean {
    const t = target.trim().toLowerCase();
    if (t === 'host') return true;
    return this.facts.hostNetworks.some((h) => h === t || (h.length >= 12 && t !== '' && /^[0-9a-z]+$/.test(t) && h.startsWith(t)));
  }

  private logDriver(logDriver: unknown, base: string): void {
    if (!this.expect(logDriver, 'object', base) || logDriver == null) return;
    const l = logDriver as Json;
    for (const key of Object.keys(l)) {
      if (key !== 'Name' && key !== 'Options') this.unknown(l, key, base);
    }
    const name = get(l, 'Name');
    if (this.expect(name, 'string', `${base}.Name`) && typeof name === 'string' && name !== '' && !LOG_DRIVERS.has(name)) {
      this.report('log_driver', `${base}.Name`, `log driver ${show(name)} is not allowed; only json-file, local or none`);
    }
    // NOTE: options apply to the daemon's default driver when Name is empty, so they are checked anyway.
    const opts = get(l, 'Options');
    if (!this.expect(opts, 'object', `${base}.Options`) || opts == null) return;
    for (const key of Object.keys(opts as Json)) {
      const value = (opts as Json)[key];
      if (this.expect(value, 'string', `${base}.Options.${key}`) && !LOG_OPTIONS.has(key)) {
        this.report('log_driver', `${base}.Options.${key}`, `log option ${show(key)} is not allowed`);
      }
    }
  }

  private eachObject(list: unknown, base: string, visit: (item: Json, path: string) => void): void {
    if (!this.expect(list, 'array', base) || list == null) return;
    (list as unknown[]).forEach((item, i) => {
      const path = `${base}[${i}]`;
      // NOTE: a null item is not absent: the engine decodes it to a zero value (a mount of type bind).
      if (item == null) this.report('malformed', path, 'expected an object, got null');
      else if (this.expect(item, 'object', path)) visit(item as Json, path);
    });
  }

  // NOTE: keys are matched exactly. Go's JSON decoder matches them case-insensitively (and folds `ſ` to
  // `s`, `K` to `k`), so `mounts` or `capabilityAdd` would reach the engine's fields: they must be denied,
  // not ignored. Only null counts as absent: for pointer fields, false, 0 or {} are real settings.
  private unknown(obj: Json, key: string, base: string): void {
    if (obj[key] == null) return;
    this.report('unknown_field', base === '' ? key : `${base}.${key}`, `${show(key)} is not an allowed field here`);
  }

  /** True when the value may be read as `kind` (null counts as absent); otherwise reports `malformed`. */
  private expect(value: unknown, kind: Kind, path: string): boolean {
    if (value == null || isKind(value, kind)) return true;
    this.report('malformed', path, `expected ${kind === 'object' ? 'an object' : kind === 'array' ? 'an array' : kind}, got ${typeName(value)}`);
    return false;
  }
}

// NOTE: Maps, not object literals: a key such as `constructor` or `toString` must not find a prototype member.
function kinds(entries: Record<string, Kind>): Map<string, Kind> {
  return new Map(Object.entries(entries));
}

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const strings = (list: unknown): string[] => (Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : []);

// NOTE: a hostile or partial context fails closed: no workload networks, no inspected volumes, no allowed ports.
function readContext(context: PolicyContext): Facts {
  const c: Partial<PolicyContext> = isRecord(context) ? context : {};
  const volumes = new Map<string, VolumeSummary | null>();
  if (isRecord(c.volumes)) {
    for (const [name, found] of Object.entries(c.volumes)) if (found === null || isRecord(found)) volumes.set(name, found as VolumeSummary | null);
  }
  const ports = isRecord(c.ports) ? c.ports : { reserved: [], allowed: [] };
  const integers = (list: unknown) => (Array.isArray(list) ? list.filter((n): n is number => Number.isSafeInteger(n)) : []);
  return {
    hostNetworks: strings(c.hostNetworks).map((n) => n.trim().toLowerCase()).filter((n) => n !== ''),
    // Exact, case-sensitive: the engine resolves full ids and names exactly, and an id prefix is not accepted.
    workloadNetworks: new Set(strings(c.workloadNetworks).filter((n) => n !== '')),
    volumes,
    reservedPorts: new Set([...RESERVED_PORTS, ...integers(ports.reserved)]),
    allowedPorts: (Array.isArray(ports.allowed) ? ports.allowed : []).filter(
      (r): r is readonly [number, number] => Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]),
    ),
    portRange: Array.isArray(ports.range) && ports.range.length === 2 && ports.range.every((n) => Number.isSafeInteger(n)) ? [ports.range[0]!, ports.range[1]!] : DEFAULT_PORT_RANGE,
    secrets: new Set(strings(c.secrets).filter((n) => n !== '')),
    configs: new Set(strings(c.configs).filter((n) => n !== '')),
  };
}

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function get(obj: Json, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === kind;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** null, false, 0, '', [] or {}: a Go zero value, which sets nothing. */
function isZero(value: unknown): boolean {
  if (value == null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function nonEmpty(value: unknown): boolean {
  return !isZero(value);
}

function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeName(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * A path as the kernel would see it, lower-cased: backslashes and `unix://` removed, `//`, `.` and `..`
 * collapsed, no trailing slash. Symlinks on the host (other than /var/run → /run) cannot be seen from here.
 */
function normalizePath(raw: string): string {
  let p = raw.trim().replace(/\\/g, '/').toLowerCase();
  if (p.startsWith('unix://')) p = p.slice('unix://'.length);
  const absolute = p.startsWith('/');
  const out: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return (absolute ? '/' : '') + out.join('/');
}

function isSocketPath(p: string): boolean {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return (
    p.endsWith('docker.sock') ||
    /^(docker|containerd|dockershim|cri-dockerd|buildkitd|podman|crio)[^/]*\.sock(\.ttrpc)?$/.test(base) ||
    /^\/(var\/)?run\/(docker|containerd)/.test(p) ||
    /(^|\/)pipe\/(docker_engine|containerd-containerd)/.test(p)
  );
}

/** A host directory that contains a socket (`/`, `/var`, `/run`, `/var/run`, `/run/containerd`). */
function isSocketAncestor(p: string): boolean {
  if (!p.startsWith('/')) return false;
  return p === '/' || SOCKET_HOME.some((home) => home.startsWith(`${p}/`));
}
