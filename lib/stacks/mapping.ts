/**
 * Compose → Swarm: a validated Compose file (./compose-file.ts) becomes the stack's parts as the engine takes
 * them, named as `docker stack deploy` names them (`<stack>_<key>` unless the file gives `name:`). The result
 * is what the user asked for, without the stack label: the policy gate judges it and adds the label
 * (PolicyGate.admitStackSpec). Fields the dashboard does not map are refused with their path rather than dropped,
 * so nothing a file asks for (privileges included) is silently ignored; a few that `docker stack deploy` itself
 * ignores (build, container_name, depends_on, restart…) are ignored here too.
 */
import type { ComposeFile, FieldProblem } from './compose-file.ts';
import { invalidFile } from './compose-file.ts';
import type { DockerServiceSpec, NetworkSpec } from '../swarm/swarm.ts';
import { scanShellWords } from '../shared/shell-words.ts';

type Json = Record<string, unknown>;

export const STACK_NAME = /^[a-z0-9][a-z0-9_-]{0,29}$/;

/** A network, volume, secret or config the file names: the engine name and whether the stack creates it. */
export interface StackResource {
  key: string;
  engineName: string;
  external: boolean;
}

export interface StackSecretSource extends StackResource {
  /** For those the stack creates: base64 of `x-data`. */
  data?: string;
  labels: Record<string, string>;
}

/** How a service refers to secrets and configs: resolved to engine ids by the deploy. */
export interface ObjectRef {
  key: string;
  target: string;
  uid: string;
  gid: string;
  mode: number;
}

export interface StackServicePlan {
  key: string;
  name: string;
  /** Without Secrets and Configs, which `secrets` and `configs` give, to resolve to ids. */
  spec: DockerServiceSpec;
  secrets: ObjectRef[];
  configs: ObjectRef[];
}

export interface StackPlanFile {
  services: StackServicePlan[];
  networks: Array<StackResource & { spec: NetworkSpec }>;
  secrets: StackSecretSource[];
  configs: StackSecretSource[];
}

// Keys that `docker stack deploy` ignores too (with a warning); anything else unmapped is refused.
const IGNORED = new Set(['build', 'container_name', 'depends_on', 'restart', 'links', 'external_links', 'profiles', 'pull_policy', 'expose', 'platform', 'scale', 'env_file']);
const MAPPED = new Set([
  'image', 'command', 'entrypoint', 'environment', 'labels', 'ports', 'volumes', 'networks', 'secrets', 'configs', 'healthcheck', 'deploy',
  'user', 'working_dir', 'hostname', 'stop_grace_period', 'stop_signal', 'init', 'read_only', 'tty', 'stdin_open', 'cap_add', 'cap_drop',
  'sysctls', 'privileged', 'network_mode', 'tmpfs', 'extra_hosts', 'dns', 'dns_search', 'dns_opt', 'logging',
]);
const DEPLOY_MAPPED = new Set(['mode', 'replicas', 'resources', 'placement', 'update_config', 'rollback_config', 'restart_policy', 'labels', 'endpoint_mode']);

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Json => (isRecord(v) ? v : {});

/** Go durations as Compose writes them (`1m30s`, `500ms`); a bare number is seconds. Nanoseconds. */
export function durationNs(value: unknown): number | undefined {
  if (typeof value === 'number') return Math.round(value * 1e9);
  if (typeof value !== 'string') return undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  if (value === '0') return 0;
  let total = 0;
  let matched = '';
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched += m[0];
  }
  return matched === value.replace(/^\+/, '') && matched !== '' ? Math.round(total) : undefined;
}

/** `512m`, `1g`, `100k`, `1024` (bytes, powers of 1024). */
export function bytes(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!m) return undefined;
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** A command line split as a POSIX shell would into words (quotes and backslashes; nothing expanded). */
export const shellWords = (line: string): string[] => scanShellWords(line).words;

const stringList = (v: unknown): string[] => (typeof v === 'string' ? shellWords(v) : Array.isArray(v) ? v.map(String) : []);

/** `list_or_dict` of Compose: `["A=1", "B"]` or `{A: 1, B: null}`; `B` alone takes its value from `env`. */
function keyValues(v: unknown, env: Readonly<Record<string, string>>, separator = '='): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const item of v.map(String)) {
      const at = item.indexOf(separator);
      if (at < 0) {
        if (Object.hasOwn(env, item)) out[item] = env[item]!;
      } else out[item.slice(0, at)] = item.slice(at + 1);
    }
  } else if (isRecord(v)) {
    for (const [k, value] of Object.entries(v)) {
      if (value === null || value === undefined) {
        if (Object.hasOwn(env, k)) out[k] = env[k]!;
      } else out[k] = String(value);
    }
  }
  return out;
}

const sortedEnv = (env: Record<string, string>): string[] => Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);

class Mapper {
  readonly problems: FieldProblem[] = [];

  constructor(
    readonly stack: string,
    readonly file: ComposeFile,
    readonly env: Readonly<Record<string, string>>,
  ) {}

  problem(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  resource(kind: 'networks' | 'volumes' | 'secrets' | 'configs', key: string): StackResource {
    const def = rec(rec(this.file[kind])[key]);
    const external = def.external === true || isRecord(def.external);
    const given = typeof def.name === 'string' ? def.name : isRecord(def.external) && typeof def.external.name === 'string' ? def.external.name : undefined;
    return { key, engineName: given ?? (external ? key : `${this.stack}_${key}`), external };
  }

  networks(): Array<StackResource & { spec: NetworkSpec }> {
    const used = new Set<string>();
    for (const svc of Object.values(this.file.services)) {
      const n = rec(svc).networks;
      const keys = Array.isArray(n) ? n.map(String) : isRecord(n) ? Object.keys(n) : [];
      if (keys.length === 0 && rec(svc).network_mode === undefined) used.add('default');
      keys.forEach((k) => used.add(k));
    }
    return [...used].sort().flatMap((key) => {
      const declared = Object.hasOwn(rec(this.file.networks), key);
      if (!declared && key !== 'default') {
        this.problem(`networks.${key}`, `network ${key} is used by a service but not declared`);
        return [];
      }
      const def = rec(rec(this.file.networks)[key]);
      const r = this.resource('networks', key);
      if (def.ipam !== undefined) this.problem(`networks.${key}.ipam`, 'ipam is not supported');
      if (def.enable_ipv6 !== undefined) this.problem(`networks.${key}.enable_ipv6`, 'enable_ipv6 is not supported');
      const spec: NetworkSpec = {
        name: r.engineName,
        driver: typeof def.driver === 'string' ? def.driver : 'overlay',
        labels: keyValues(def.labels, {}),
        ...(def.attachable === true ? { attachable: true } : {}),
        ...(def.internal === true ? { internal: true } : {}),
        ...(isRecord(def.driver_opts) ? { options: Object.fromEntries(Object.entries(def.driver_opts).map(([k, v]) => [k, String(v)])) } : {}),
      };
      return [{ ...r, spec }];
    });
  }

  objects(kind: 'secrets' | 'configs'): StackSecretSource[] {
    return Object.entries(rec(this.file[kind])).map(([key, raw]) => {
      const def = rec(raw);
      const r = this.resource(kind, key);
      const labels = keyValues(def.labels, {});
      if (r.external) return { ...r, labels };
      if (def.file !== undefined) this.problem(`${kind}.${key}.file`, 'the server cannot read your files: give the content as x-data (e.g. x-data: ${VAR}) or make it external');
      for (const k of ['driver', 'driver_opts', 'template_driver']) if (def[k] !== undefined) this.problem(`${kind}.${key}.${k}`, `${k} is not supported`);
      const data = def['x-data'];
      if (typeof data !== 'string') {
        if (def.file === undefined) this.problem(`${kind}.${key}`, 'needs x-data (its content) or external: true');
        return { ...r, labels };
      }
      return { ...r, labels, data: Buffer.from(data, 'utf8').toString('base64') };
    });
  }

  service(key: string, svc: Json): StackServicePlan | undefined {
    const at = `services.${key}`;
    for (const k of Object.keys(svc)) {
      if (!MAPPED.has(k) && !IGNORED.has(k) && !k.startsWith('x-')) this.problem(`${at}.${k}`, `${k} is not supported by deploy-stack`);
    }
    if (typeof svc.image !== 'string' || svc.image === '') {
      this.problem(`${at}.image`, 'a service needs an image (deploy-stack does not build)');
      return undefined;
    }
    const name = `${this.stack}_${key}`;
    if (name.length > 63 || !/^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/.test(name)) this.problem(at, `service name ${name} is not one the engine accepts`);
    const container: Json = { Image: svc.image };
    if (svc.entrypoint !== undefined) container.Command = stringList(svc.entrypoint);
    if (svc.command !== undefined) container.Args = stringList(svc.command);
    const env = keyValues(svc.environment, this.env);
    if (Object.keys(env).length > 0) container.Env = sortedEnv(env);
    const containerLabels = keyValues(svc.labels, {});
    if (Object.keys(containerLabels).length > 0) container.Labels = containerLabels;
    if (typeof svc.user === 'string') container.User = svc.user;
    if (typeof svc.working_dir === 'string') container.Dir = svc.working_dir;
    if (typeof svc.hostname === 'string') container.Hostname = svc.hostname;
    if (typeof svc.stop_signal === 'string') container.StopSignal = svc.stop_signal;
    if (svc.stop_grace_period !== undefined) container.StopGracePeriod = durationNs(svc.stop_grace_period);
    if (typeof svc.init === 'boolean') container.Init = svc.init;
    if (svc.read_only === true) container.ReadOnly = true;
    if (svc.tty === true) container.TTY = true;
    if (svc.stdin_open === true) container.OpenStdin = true;
    if (svc.cap_add !== undefined) container.CapabilityAdd = stringList(svc.cap_add);
    if (svc.cap_drop !== undefined) container.CapabilityDrop = stringList(svc.cap_drop);
    if (svc.sysctls !== undefined) container.Sysctls = keyValues(svc.sysctls, {});
    // Mapped so that the policy sees and judges it (the engine itself has no such field for services).
    if (svc.privileged === true) container.Privileged = true;
    if (svc.extra_hosts !== undefined) container.Hosts = Object.entries(keyValues(svc.extra_hosts, {}, ':')).map(([h, ip]) => `${ip} ${h}`);
    const dns = { ...(svc.dns !== undefined ? { Nameservers: stringList(svc.dns) } : {}), ...(svc.dns_search !== undefined ? { Search: stringList(svc.dns_search) } : {}), ...(svc.dns_opt !== undefined ? { Options: stringList(svc.dns_opt) } : {}) };
    if (Object.keys(dns).length > 0) container.DNSConfig = dns;
    const health = this.healthcheck(`${at}.healthcheck`, svc.healthcheck);
    if (health) container.Healthcheck = health;
    const mounts = this.mounts(at, svc);
    if (mounts.length > 0) container.Mounts = mounts;

    const deploy = rec(svc.deploy);
    for (const k of Object.keys(deploy)) if (!DEPLOY_MAPPED.has(k) && !k.startsWith('x-')) this.problem(`${at}.deploy.${k}`, `${k} is not supported by deploy-stack`);
    const task: Json = { ContainerSpec: container };
    const resources = this.resources(`${at}.deploy.resources`, deploy.resources);
    if (resources) task.Resources = resources;
    const restart = rec(deploy.restart_policy);
    if (Object.keys(restart).length > 0) {
      task.RestartPolicy = {
        ...(restart.condition !== undefined ? { Condition: restart.condition === 'on_failure' ? 'on-failure' : restart.condition } : {}),
        ...(restart.delay !== undefined ? { Delay: durationNs(restart.delay) } : {}),
        ...(restart.max_attempts !== undefined ? { MaxAttempts: restart.max_attempts } : {}),
        ...(restart.window !== undefined ? { Window: durationNs(restart.window) } : {}),
      };
      if (restart.condition !== undefined && !['none', 'on-failure', 'on_failure', 'any'].includes(String(restart.condition))) {
        this.problem(`${at}.deploy.restart_policy.condition`, 'one of none, on-failure, any');
      }
    }
    const placement = rec(deploy.placement);
    if (Object.keys(placement).length > 0) {
      task.Placement = {
        ...(Array.isArray(placement.constraints) ? { Constraints: placement.constraints.map(String) } : {}),
        ...(Array.isArray(placement.preferences) ? { Preferences: placement.preferences.map((p) => ({ Spread: { SpreadDescriptor: String(rec(p).spread) } })) } : {}),
        ...(typeof placement.max_replicas_per_node === 'number' ? { MaxReplicas: placement.max_replicas_per_node } : {}),
      };
    }
    if (svc.logging !== undefined) {
      const logging = rec(svc.logging);
      task.LogDriver = { ...(typeof logging.driver === 'string' ? { Name: logging.driver } : {}), ...(isRecord(logging.options) ? { Options: keyValues(logging.options, {}) } : {}) };
    }
    const networks = this.serviceNetworks(at, svc);
    if (networks.length > 0) task.Networks = networks;

    const mode = typeof deploy.mode === 'string' ? deploy.mode : 'replicated';
    let specMode: Json;
    if (mode === 'global') {
      specMode = { Global: {} };
      if (deploy.replicas !== undefined) this.problem(`${at}.deploy.replicas`, 'replicas applies only to mode replicated');
    } else if (mode === 'replicated') specMode = { Replicated: { Replicas: typeof deploy.replicas === 'number' ? deploy.replicas : 1 } };
    else {
      this.problem(`${at}.deploy.mode`, 'one of replicated, global');
      specMode = {};
    }
    const spec: Json = {
      Name: name,
      Labels: keyValues(deploy.labels, {}),
      TaskTemplate: task,
      Mode: specMode,
      EndpointSpec: { Mode: deploy.endpoint_mode === 'dnsrr' ? 'dnsrr' : 'vip', ...this.ports(at, svc.ports) },
    };
    const update = this.updateConfig(`${at}.deploy.update_config`, deploy.update_config);
    if (update) spec.UpdateConfig = update;
    const rollback = this.updateConfig(`${at}.deploy.rollback_config`, deploy.rollback_config);
    if (rollback) spec.RollbackConfig = rollback;
    return { key, name, spec: spec as DockerServiceSpec, secrets: this.refs(at, 'secrets', svc.secrets), configs: this.refs(at, 'configs', svc.configs) };
  }

  healthcheck(at: string, raw: unknown): Json | undefined {
    if (raw === undefined) return undefined;
    const h = rec(raw);
    if (h.disable === true) return { Test: ['NONE'] };
    const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : Array.isArray(h.test) ? h.test.map(String) : undefined;
    if (test && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0] ?? '')) this.problem(`${at}.test`, 'a list starts with CMD, CMD-SHELL or NONE');
    return {
      ...(test ? { Test: test } : {}),
      ...(h.interval !== undefined ? { Interval: durationNs(h.interval) } : {}),
      ...(h.timeout !== undefined ? { Timeout: durationNs(h.timeout) } : {}),
      ...(h.start_period !== undefined ? { StartPeriod: durationNs(h.start_period) } : {}),
      ...(typeof h.retries === 'number' ? { Retries: h.retries } : {}),
    };
  }

  resources(at: string, raw: unknown): Json | undefined {
    const r = rec(raw);
    const amounts = (key: 'limits' | 'reservations'): Json | undefined => {
      const a = rec(r[key]);
      const out: Json = {};
      if (a.cpus !== undefined) {
        const cpus = Number(a.cpus);
        if (!(cpus > 0)) this.problem(`${at}.${key}.cpus`, 'a positive number of cores');
        else out.NanoCPUs = Math.round(cpus * 1e9);
      }
      if (a.memory !== undefined) {
        const memory = bytes(a.memory);
        if (memory === undefined) this.problem(`${at}.${key}.memory`, 'a size such as 64m or 1g');
        else out.MemoryBytes = memory;
      }
      for (const k of Object.keys(a)) if (!['cpus', 'memory'].includes(k) && !k.startsWith('x-')) this.problem(`${at}.${key}.${k}`, `${k} is not supported`);
      return Object.keys(out).length > 0 ? out : undefined;
    };
    const limits = amounts('limits');
    const reservations = amounts('reservations');
    if (!limits && !reservations) return undefined;
    return { ...(limits ? { Limits: limits } : {}), ...(reservations ? { Reservations: reservations } : {}) };
  }

  updateConfig(at: string, raw: unknown): Json | undefined {
    if (raw === undefined) return undefined;
    const u = rec(raw);
    const action = u.failure_action;
    if (action !== undefined && !['pause', 'continue', 'rollback'].includes(String(action))) this.problem(`${at}.failure_action`, 'one of pause, continue, rollback');
    return {
      ...(typeof u.parallelism === 'number' ? { Parallelism: u.parallelism } : {}),
      ...(u.delay !== undefined ? { Delay: durationNs(u.delay) } : {}),
      ...(action !== undefined ? { FailureAction: action } : {}),
      ...(u.monitor !== undefined ? { Monitor: durationNs(u.monitor) } : {}),
      ...(typeof u.max_failure_ratio === 'number' ? { MaxFailureRatio: u.max_failure_ratio } : {}),
      ...(u.order !== undefined ? { Order: u.order } : {}),
    };
  }

  ports(at: string, raw: unknown): Json {
    if (!Array.isArray(raw) || raw.length === 0) return {};
    const ports: Json[] = [];
    raw.forEach((p, i) => {
      const field = `${at}.ports.${i}`;
      if (isRecord(p)) {
        const target = Number(p.target);
        const published = p.published === undefined ? undefined : Number(p.published);
        if (!Number.isInteger(target) || target < 1 || target > 65535) return this.problem(`${field}.target`, 'a port from 1 to 65535');
        ports.push({ Protocol: p.protocol ?? 'tcp', TargetPort: target, ...(published !== undefined ? { PublishedPort: published } : {}), PublishMode: p.mode === 'host' ? 'host' : 'ingress' });
        return;
      }
      const m = /^(?:(?:\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):)?(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(String(p));
      if (!m) return this.problem(field, 'expected [published:]target[/protocol], e.g. 8080:80 or 53/udp');
      const [, pubFrom, pubTo, tFrom, tTo, protocol] = m;
      const targets = range(Number(tFrom), tTo === undefined ? Number(tFrom) : Number(tTo));
      const published = pubFrom === undefined ? undefined : range(Number(pubFrom), pubTo === undefined ? Number(pubFrom) : Number(pubTo));
      if (published && published.length !== targets.length) return this.problem(field, 'published and target ranges differ in length');
      if (targets.some((t) => t < 1 || t > 65535) || published?.some((t) => t < 1 || t > 65535)) return this.problem(field, 'ports are from 1 to 65535');
      targets.forEach((target, j) =>
        ports.push({ Protocol: (protocol ?? 'tcp').toLowerCase(), TargetPort: target, ...(published ? { PublishedPort: published[j] } : {}), PublishMode: 'ingress' }),
      );
    });
    return ports.length > 0 ? { Ports: ports } : {};
  }

  mounts(at: string, svc: Json): Json[] {
    const mounts: Json[] = [];
    const volumes = Array.isArray(svc.volumes) ? svc.volumes : [];
    volumes.forEach((v, i) => {
      const field = `${at}.volumes.${i}`;
      let type: string;
      let source: string | undefined;
      let target: string;
      let readOnly = false;
      let extra: Json = {};
      if (isRecord(v)) {
        type = String(v.type);
        source = typeof v.source === 'string' ? v.source : undefined;
        target = String(v.target ?? '');
        readOnly = v.read_only === true;
        if (isRecord(v.tmpfs) && v.tmpfs.size !== undefined) extra = { TmpfsOptions: { SizeBytes: bytes(v.tmpfs.size) } };
        if (isRecord(v.volume) && v.volume.nocopy === true) extra = { VolumeOptions: { NoCopy: true } };
      } else {
        const parts = String(v).split(':');
        if (parts.length === 1) {
          type = 'volume';
          target = parts[0]!;
        } else {
          source = parts[0]!;
          target = parts[1]!;
          readOnly = (parts[2] ?? '').split(',').includes('ro');
          type = source.startsWith('/') || source.startsWith('.') || source.startsWith('~') ? 'bind' : 'volume';
        }
      }
      if (!target.startsWith('/')) return this.problem(field, 'the target must be an absolute path');
      if (type === 'volume' && source !== undefined) {
        if (!Object.hasOwn(rec(this.file.volumes), source)) return this.problem(field, `volume ${source} is not declared under volumes`);
        const def = rec(rec(this.file.volumes)[source]);
        const r = this.resource('volumes', source);
        const options: Json = { ...(extra.VolumeOptions as Json | undefined) };
        if (!r.external) {
          const labels = keyValues(def.labels, {});
          if (Object.keys(labels).length > 0) options.Labels = labels;
          if (typeof def.driver === 'string' || isRecord(def.driver_opts)) {
            options.DriverConfig = {
              Name: typeof def.driver === 'string' ? def.driver : 'local',
              ...(isRecord(def.driver_opts) ? { Options: Object.fromEntries(Object.entries(def.driver_opts).map(([k, val]) => [k, String(val)])) } : {}),
            };
          }
        }
        source = r.engineName;
        extra = Object.keys(options).length > 0 ? { VolumeOptions: options } : {};
      }
      if (!['volume', 'bind', 'tmpfs'].includes(type)) return this.problem(`${field}.type`, 'one of volume, bind, tmpfs');
      mounts.push({ Type: type, ...(source !== undefined ? { Source: source } : {}), Target: target, ...(readOnly ? { ReadOnly: true } : {}), ...extra });
    });
    for (const [i, t] of stringList(svc.tmpfs).entries()) {
      if (!t.startsWith('/')) this.problem(`${at}.tmpfs.${i}`, 'an absolute path');
      else mounts.push({ Type: 'tmpfs', Target: t });
    }
    return mounts;
  }

  serviceNetworks(at: string, svc: Json): Json[] {
    if (svc.network_mode !== undefined) {
      // Only host is meaningful for a service; mapped so that the policy judges it.
      if (svc.network_mode === 'host') return [{ Target: 'host' }];
      this.problem(`${at}.network_mode`, 'only host is supported');
      return [];
    }
    const n = svc.networks;
    const entries: Array<[string, Json]> = Array.isArray(n) ? n.map((k) => [String(k), {}]) : isRecord(n) ? Object.entries(n).map(([k, v]) => [k, rec(v)]) : [];
    if (entries.length === 0) entries.push(['default', {}]);
    return entries.map(([key, opts]) => ({
      Target: this.resource('networks', key).engineName,
      // As `docker stack deploy`: the service's key is an alias on each of its networks.
      Aliases: [at.slice('services.'.length), ...(Array.isArray(opts.aliases) ? opts.aliases.map(String) : [])],
    }));
  }

  refs(at: string, kind: 'secrets' | 'configs', raw: unknown): ObjectRef[] {
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((r, i): ObjectRef[] => {
      const item = isRecord(r) ? r : { source: String(r) };
      const key = String(item.source);
      if (!Object.hasOwn(rec(this.file[kind]), key)) {
        this.problem(`${at}.${kind}.${i}`, `${kind.slice(0, -1)} ${key} is not declared under ${kind}`);
        return [];
      }
      const target = typeof item.target === 'string' ? item.target : kind === 'secrets' ? key : `/${key}`;
      const mode = typeof item.mode === 'number' ? item.mode : typeof item.mode === 'string' ? parseInt(item.mode, 8) : 0o444;
      return [{ key, target, uid: String(item.uid ?? '0'), gid: String(item.gid ?? '0'), mode }];
    });
  }
}

const range = (from: number, to: number): number[] => (to < from || to - from > 1000 ? [NaN] : Array.from({ length: to - from + 1 }, (_, i) => from + i));

/** The stack's parts; `validation_failed` with the path of every field that cannot be mapped. */
export function mapComposeFile(stack: string, file: ComposeFile, env: Readonly<Record<string, string>> = {}): StackPlanFile {
  const mapper = new Mapper(stack, file, env);
  const services = Object.entries(file.services)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([key, svc]) => mapper.service(key, rec(svc)) ?? []);
  const plan: StackPlanFile = { services, networks: mapper.networks(), secrets: mapper.objects('secrets'), configs: mapper.objects('configs') };
  if (mapper.problems.length > 0) throw invalidFile(mapper.problems, 'The Compose file has fields deploy-stack cannot map');
  return plan;
}
