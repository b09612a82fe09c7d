/**
 * The service form: its editable state (strings, as inputs hold them), client-side validation that mirrors
 * the server's ServiceInput schema, conversion to a ServiceInput, and back from a Docker ServiceSpec for edit.
 * The server still decides; this only saves a round trip and points at the field.
 */
import { scanShellWords } from '../../../lib/shared/shell-words.ts';
import type { DockerServiceSpec, PortSummary, ServiceInput, ServiceMount, ServicePort } from '../types.ts';

export interface PortRow {
  published: string;
  target: string;
  protocol: PortSummary['protocol'];
  mode: PortSummary['mode'];
}

export interface MountRow {
  type: ServiceMount['type'];
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ServiceForm {
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  replicas: string;
  command: string;
  args: string;
  /** KEY=VALUE, one a line. */
  env: string;
  /** key=value, one a line. */
  labels: string;
  ports: PortRow[];
  mounts: MountRow[];
  /** One a line. */
  constraints: string;
  limitCpus: string;
  limitMemory: string;
  reserveCpus: string;
  reserveMemory: string;
  /** Comma- or line-separated names. */
  networks: string;
  /** `name` or `name:target`, one a line. */
  secrets: string;
  configs: string;
  /** Spread descriptors (e.g. node.labels.zone), one a line. */
  preferences: string;
  restartCondition: '' | 'none' | 'on-failure' | 'any';
  restartMaxAttempts: string;
  restartDelay: string;
  restartWindow: string;
  /** Empty leaves the image's healthcheck. */
  healthCommand: string;
  /** CMD-SHELL: the command is run by the shell; CMD: it is split into words and run as they are. */
  healthKind: 'CMD-SHELL' | 'CMD';
  healthInterval: string;
  healthTimeout: string;
  healthRetries: string;
  healthStartPeriod: string;
  updateParallelism: string;
  updateDelay: string;
  updateFailureAction: '' | 'pause' | 'continue' | 'rollback';
  updateOrder: '' | 'stop-first' | 'start-first';
  updateMonitor: string;
  updateMaxFailureRatio: string;
  rollbackParallelism: string;
  rollbackDelay: string;
  rollbackFailureAction: '' | 'pause' | 'continue';
  rollbackOrder: '' | 'stop-first' | 'start-first';
  rollbackMonitor: string;
  rollbackMaxFailureRatio: string;
}

export const emptyForm = (): ServiceForm => ({
  name: '',
  image: '',
  mode: 'replicated',
  replicas: '1',
  command: '',
  args: '',
  env: '',
  labels: '',
  ports: [],
  mounts: [],
  constraints: '',
  limitCpus: '',
  limitMemory: '',
  reserveCpus: '',
  reserveMemory: '',
  networks: '',
  secrets: '',
  configs: '',
  preferences: '',
  restartCondition: '',
  restartMaxAttempts: '',
  restartDelay: '',
  restartWindow: '',
  healthCommand: '',
  healthKind: 'CMD-SHELL',
  healthInterval: '',
  healthTimeout: '',
  healthRetries: '',
  healthStartPeriod: '',
  updateParallelism: '',
  updateDelay: '',
  updateFailureAction: '',
  updateOrder: '',
  updateMonitor: '',
  updateMaxFailureRatio: '',
  rollbackParallelism: '',
  rollbackDelay: '',
  rollbackFailureAction: '',
  rollbackOrder: '',
  rollbackMonitor: '',
  rollbackMaxFailureRatio: '',
});

/** Field path → message. Paths: `name`, `ports.0.target`, `env`, … */
export type FormErrors = Record<string, string>;

// NOTE: swarmkit's rule for service names (a DNS label, at most 63 characters).
export const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
const IMAGE = /^[a-z0-9](?:[a-z0-9._/:-]*[a-z0-9])?(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
// NOTE: the same patterns as lib/swarm/service-input.ts (the server's schema).
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._/:-]*[A-Za-z0-9])?$/;
const CONSTRAINT = /^[^=!]+(?:==|!=)[^=!]+$/;
const NETWORK = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MAX_REPLICAS = 1000;

/** Splits a command line into words, honouring single and double quotes and backslashes, as the server splits Compose commands. */
export const splitWords = (line: string): string[] => {
  const { words, openQuote } = scanShellWords(line);
  if (openQuote) throw new SyntaxError(`unclosed ${openQuote} quote`);
  return words;
};

/** The inverse of splitWords, for display. */
export const joinWords = (words: readonly string[]): string =>
  words.map((w) => (w === '' || /[\s"'\\]/.test(w) ? `'${w.replace(/'/g, `'"'"'`)}'` : w)).join(' ');

const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, ki: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gi: 1024 ** 3, gib: 1024 ** 3,
};

/** "256M", "1.5g", "1048576" → bytes; NaN when unreadable. */
export const parseBytes = (text: string): number => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return NaN;
  const unit = UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? NaN : Math.round(Number(m[1]) * unit);
};

export const formatBytes = (bytes: number): string => {
  if (bytes % 1024 ** 3 === 0 && bytes >= 1024 ** 3) return `${bytes / 1024 ** 3}G`;
  if (bytes % 1024 ** 2 === 0 && bytes >= 1024 ** 2) return `${bytes / 1024 ** 2}M`;
  if (bytes % 1024 === 0 && bytes >= 1024) return `${bytes / 1024}K`;
  return String(bytes);
};

/** Parses `key=value` lines; blank lines and lines starting with # are skipped. */
export const parsePairs = (text: string): { pairs: Record<string, string>; bad: string[] } => {
  const pairs: Record<string, string> = {};
  const bad: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    if (i <= 0) {
      bad.push(line);
      continue;
    }
    pairs[line.slice(0, i).trim()] = line.slice(i + 1);
  }
  return { pairs, bad };
};

export const formatPairs = (pairs: Record<string, string> | undefined): string =>
  Object.entries(pairs ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');

const lines = (text: string) => text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '');

const port = (text: string) => /^\d+$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= 65535;

const cpus = (text: string) => /^\d+(?:\.\d+)?$/.test(text.trim()) && Number(text) > 0 && Number(text) <= 1024;

/**
 * Validates and converts. `errors` is empty when `input` can be sent. `privileged` says whether the user
 * holds `services.privileged`; without it, bind mounts are flagged as the server's policy would.
 */
export const toServiceInput = (
  form: ServiceForm,
  options: { privileged?: boolean } = {},
): { input: ServiceInput; errors: FormErrors } => {
  const errors: FormErrors = {};
  const name = form.name.trim();
  const image = form.image.trim();
  if (name === '') errors.name = 'A name is required.';
  else if (name.length > 63) errors.name = 'At most 63 characters.';
  else if (!SERVICE_NAME.test(name)) errors.name = 'Letters, digits, - and _ only; start and end with a letter or digit.';
  if (image === '') errors.image = 'An image is required.';
  else if (/\s/.test(image) || !IMAGE.test(image)) errors.image = 'Not a valid image reference (e.g. local/busybox:1).';

  const input: ServiceInput = { name, image, mode: form.mode };
  if (form.mode === 'replicated') {
    const r = form.replicas.trim();
    if (!/^\d+$/.test(r)) errors.replicas = 'A whole number of replicas, 0 or more.';
    else if (Number(r) > MAX_REPLICAS) errors.replicas = `At most ${MAX_REPLICAS}.`;
    else input.replicas = Number(r);
  }

  try {
    input.command = splitWords(form.command);
  } catch (e) {
    errors.command = `Unreadable: ${(e as Error).message}.`;
  }
  try {
    input.args = splitWords(form.args);
  } catch (e) {
    errors.args = `Unreadable: ${(e as Error).message}.`;
  }

  const env = parsePairs(form.env);
  const badEnv = [...env.bad, ...Object.keys(env.pairs).filter((k) => !ENV_KEY.test(k))];
  if (badEnv.length) errors.env = `Use KEY=VALUE, one a line; keys are letters, digits and _ (bad: ${badEnv[0]}).`;
  input.env = env.pairs;

  const labels = parsePairs(form.labels);
  const badLabels = [...labels.bad, ...Object.keys(labels.pairs).filter((k) => !LABEL_KEY.test(k))];
  if (badLabels.length) errors.labels = `Use key=value, one a line (bad: ${badLabels[0]}).`;
  input.labels = labels.pairs;

  input.ports = [];
  const seenPorts = new Set<string>();
  form.ports.forEach((p, i) => {
    if (!port(p.target)) errors[`ports.${i}.target`] = 'A port from 1 to 65535.';
    if (p.published.trim() !== '' && !port(p.published)) errors[`ports.${i}.published`] = 'Empty, or a port from 1 to 65535.';
    if (!['tcp', 'udp', 'sctp'].includes(p.protocol)) errors[`ports.${i}.protocol`] = 'tcp, udp or sctp.';
    if (!['ingress', 'host'].includes(p.mode)) errors[`ports.${i}.mode`] = 'ingress or host.';
    const row: ServicePort = { target: Number(p.target), protocol: p.protocol, mode: p.mode };
    if (p.published.trim() !== '') {
      row.published = Number(p.published);
      const key = `${row.published}/${p.protocol}`;
      if (seenPorts.has(key)) errors[`ports.${i}.published`] = 'Published twice.';
      seenPorts.add(key);
    }
    input.ports!.push(row);
  });

  input.mounts = [];
  form.mounts.forEach((m, i) => {
    if (!['bind', 'volume', 'tmpfs'].includes(m.type)) errors[`mounts.${i}.type`] = 'bind, volume or tmpfs.';
    if (!m.target.trim().startsWith('/') || m.target.trim().length < 2) errors[`mounts.${i}.target`] = 'An absolute path in the container (not /).';
    if (m.type === 'bind' && !m.source.trim().startsWith('/')) errors[`mounts.${i}.source`] = 'An absolute path on the host.';
    if (m.type === 'tmpfs' && m.source.trim() !== '') errors[`mounts.${i}.source`] = 'A tmpfs mount has no source.';
    if (m.type === 'bind' && !options.privileged && !errors[`mounts.${i}.source`]) {
      errors[`mounts.${i}.type`] = 'Bind mounts need the services.privileged permission.';
    }
    if (/docker\.sock/.test(m.source) && !options.privileged) errors[`mounts.${i}.source`] = 'Mounting the Docker socket needs services.privileged.';
    const mount: ServiceMount = { type: m.type, target: m.target.trim(), readOnly: m.readOnly };
    if (m.source.trim() !== '') mount.source = m.source.trim();
    input.mounts!.push(mount);
  });

  input.constraints = lines(form.constraints.replace(/,/g, '\n'));
  const badConstraint = input.constraints.find((c) => !CONSTRAINT.test(c));
  if (badConstraint) errors.constraints = `Use e.g. node.role==manager (bad: ${badConstraint}).`;

  const resource = (cpuText: string, memText: string, key: 'limits' | 'reservations') => {
    const out: { cpus?: number; memoryBytes?: number } = {};
    if (cpuText.trim() !== '') {
      if (!cpus(cpuText)) errors[`resources.${key}.cpus`] = 'A positive number of CPUs, e.g. 0.5.';
      else out.cpus = Number(cpuText);
    }
    if (memText.trim() !== '') {
      const bytes = parseBytes(memText);
      if (!Number.isFinite(bytes)) errors[`resources.${key}.memoryBytes`] = 'A size such as 256M or 1G.';
      else if (bytes < 4 * 1024 ** 2) errors[`resources.${key}.memoryBytes`] = 'At least 4M.';
      else out.memoryBytes = bytes;
    }
    return out;
  };
  const limits = resource(form.limitCpus, form.limitMemory, 'limits');
  const reservations = resource(form.reserveCpus, form.reserveMemory, 'reservations');
  input.resources = { limits, reservations };
  if (limits.cpus !== undefined && reservations.cpus !== undefined && reservations.cpus > limits.cpus) {
    errors['resources.reservations.cpus'] = 'Cannot reserve more than the limit.';
  }
  if (limits.memoryBytes !== undefined && reservations.memoryBytes !== undefined && reservations.memoryBytes > limits.memoryBytes) {
    errors['resources.reservations.memoryBytes'] = 'Cannot reserve more than the limit.';
  }

  input.networks = lines(form.networks);
  const badNetwork = input.networks.find((n) => !NETWORK.test(n));
  if (badNetwork) errors.networks = `Not a network name: ${badNetwork}.`;
  if (input.networks.includes('host') && !options.privileged) errors.networks = 'Host networking needs services.privileged.';

  const attachments = (text: string, key: 'secrets' | 'configs') => {
    const out = lines(text).map((l) => {
      const at = l.indexOf(':');
      return at < 0 ? { name: l } : { name: l.slice(0, at).trim(), target: l.slice(at + 1).trim() };
    });
    const bad = out.find((a) => !OBJECT_NAME.test(a.name) || a.target === '' || (key === 'configs' && a.target !== undefined && !a.target.startsWith('/')));
    if (bad) errors[key] = key === 'configs' ? `Use name or name:/absolute/path (bad: ${bad.name}).` : `Use name or name:file (bad: ${bad.name}).`;
    return out;
  };
  const secrets = attachments(form.secrets, 'secrets');
  const configs = attachments(form.configs, 'configs');
  // NOTE: always sent, empty too: an update replaces these lists, and clearing the field must remove the last one.
  input.secrets = secrets;
  input.configs = configs;

  // NOTE: the engine takes whole numbers or seconds; '' leaves a setting to the engine's default. An update
  // replaces each of these parts whole, so the form holds every field of each, and a save drops none.
  const num = (text: string, field: string, opts: { int?: boolean; max?: number; ratio?: boolean } = {}): number | undefined => {
    if (text.trim() === '') return undefined;
    const n = Number(text);
    const max = opts.ratio ? 1 : opts.max;
    if (!Number.isFinite(n) || n < 0 || (opts.int && !Number.isInteger(n)) || (max !== undefined && n > max)) {
      errors[field] = opts.ratio ? 'A fraction from 0 to 1.' : opts.int ? 'A whole number, 0 or more.' : 'A number of seconds, 0 or more.';
      return undefined;
    }
    return n;
  };
  const compact = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

  input.placementPreferences = lines(form.preferences).map((spread) => ({ spread }));
  if (input.placementPreferences.some((p) => /\s/.test(p.spread))) errors.placementPreferences = 'One descriptor a line, e.g. node.labels.zone.';
  input.restartPolicy = compact({
    condition: form.restartCondition || undefined,
    maxAttempts: num(form.restartMaxAttempts, 'restartPolicy.maxAttempts', { int: true }),
    delaySeconds: num(form.restartDelay, 'restartPolicy.delaySeconds'),
    windowSeconds: num(form.restartWindow, 'restartPolicy.windowSeconds'),
  });
  input.updateConfig = compact({
    parallelism: num(form.updateParallelism, 'updateConfig.parallelism', { int: true, max: MAX_REPLICAS }),
    delaySeconds: num(form.updateDelay, 'updateConfig.delaySeconds'),
    failureAction: form.updateFailureAction || undefined,
    order: form.updateOrder || undefined,
    monitorSeconds: num(form.updateMonitor, 'updateConfig.monitorSeconds'),
    maxFailureRatio: num(form.updateMaxFailureRatio, 'updateConfig.maxFailureRatio', { ratio: true }),
  });
  input.rollbackConfig = compact({
    parallelism: num(form.rollbackParallelism, 'rollbackConfig.parallelism', { int: true, max: MAX_REPLICAS }),
    delaySeconds: num(form.rollbackDelay, 'rollbackConfig.delaySeconds'),
    failureAction: form.rollbackFailureAction || undefined,
    order: form.rollbackOrder || undefined,
    monitorSeconds: num(form.rollbackMonitor, 'rollbackConfig.monitorSeconds'),
    maxFailureRatio: num(form.rollbackMaxFailureRatio, 'rollbackConfig.maxFailureRatio', { ratio: true }),
  });
  const health = form.healthCommand.trim();
  if (health !== '') {
    let test = ['CMD-SHELL', health];
    if (form.healthKind === 'CMD') {
      try {
        test = ['CMD', ...splitWords(health)];
      } catch (e) {
        errors.healthcheck = `The command has an ${(e as Error).message}.`;
      }
    }
    input.healthcheck = compact({
      test,
      intervalSeconds: num(form.healthInterval, 'healthcheck.intervalSeconds'),
      timeoutSeconds: num(form.healthTimeout, 'healthcheck.timeoutSeconds'),
      retries: num(form.healthRetries, 'healthcheck.retries', { int: true, max: 1000 }),
      startPeriodSeconds: num(form.healthStartPeriod, 'healthcheck.startPeriodSeconds'),
    });
  }

  return { input, errors };
};

const OBJECT_NAME = /^[A-Za-z0-9_-]{1,60}$/;

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The form for an existing service, from the Docker ServiceSpec that inspect-service returns. */
export const formFromSpec = (spec: DockerServiceSpec): ServiceForm => {
  const task = record(spec.TaskTemplate);
  const container = record(task.ContainerSpec);
  const mode = record(spec.Mode);
  const endpoint = record(spec.EndpointSpec);
  const resources = record(task.Resources);
  const limits = record(resources.Limits);
  const reservations = record(resources.Reservations);
  const env: Record<string, string> = {};
  for (const line of strings(container.Env)) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  const cpu = (nano: unknown) => (typeof nano === 'number' && nano > 0 ? String(nano / 1e9) : '');
  const mem = (bytes: unknown) => (typeof bytes === 'number' && bytes > 0 ? formatBytes(bytes) : '');
  const networks = (Array.isArray(task.Networks) ? task.Networks : Array.isArray(spec.Networks) ? spec.Networks : [])
    .map((n) => String(record(n).Target ?? ''))
    .filter((n) => n !== '');
  return {
    name: String(spec.Name ?? ''),
    image: String(container.Image ?? '').replace(/@sha256:[0-9a-f]+$/, ''),
    mode: 'Global' in mode ? 'global' : 'replicated',
    replicas: String(record(mode.Replicated).Replicas ?? 1),
    command: joinWords(strings(container.Command)),
    args: joinWords(strings(container.Args)),
    env: formatPairs(env),
    labels: formatPairs(record(spec.Labels) as Record<string, string>),
    ports: (Array.isArray(endpoint.Ports) ? endpoint.Ports : []).map((p) => {
      const r = record(p);
      return {
        published: r.PublishedPort ? String(r.PublishedPort) : '',
        target: String(r.TargetPort ?? ''),
        protocol: (r.Protocol as PortRow['protocol']) ?? 'tcp',
        mode: (r.PublishMode as PortRow['mode']) ?? 'ingress',
      };
    }),
    mounts: (Array.isArray(container.Mounts) ? container.Mounts : []).map((m) => {
      const r = record(m);
      return {
        type: (String(r.Type ?? 'volume').toLowerCase() as MountRow['type']),
        source: String(r.Source ?? ''),
        target: String(r.Target ?? ''),
        readOnly: r.ReadOnly === true,
      };
    }),
    constraints: strings(record(task.Placement).Constraints).join('\n'),
    limitCpus: cpu(limits.NanoCPUs),
    limitMemory: mem(limits.MemoryBytes),
    reserveCpus: cpu(reservations.NanoCPUs),
    reserveMemory: mem(reservations.MemoryBytes),
    networks: networks.join(', '),
    ...specExtras(spec, task, container),
  };
};

const seconds = (nanos: unknown): string => (typeof nanos === 'number' && nanos > 0 ? String(nanos / 1e9) : '');
const count = (v: unknown): string => (typeof v === 'number' ? String(v) : '');
const ratio = (v: unknown): string => (typeof v === 'number' && v > 0 ? String(v) : '');
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | '' => (allowed.includes(v as T) ? (v as T) : '');

/** The update, rollback, restart, healthcheck, secrets, configs and preferences parts of the form. */
const specExtras = (spec: DockerServiceSpec, task: Record<string, unknown>, container: Record<string, unknown>) => {
  const restart = record(task.RestartPolicy);
  const health = record(container.Healthcheck);
  const test = strings(health.Test);
  const update = record(spec.UpdateConfig);
  const rollback = record(spec.RollbackConfig);
  const refs = (list: unknown, nameKey: string) =>
    (Array.isArray(list) ? list : [])
      .map((r) => {
        const o = record(r);
        // NOTE: the engine holds `<name>.vN`; the form names what users see.
        const name = String(o[nameKey] ?? '').replace(/\.v\d+$/, '');
        const target = String(record(o.File).Name ?? '');
        return name === '' ? '' : target === '' || target === name ? name : `${name}:${target}`;
      })
      .filter((l) => l !== '')
      .join('\n');
  return {
    secrets: refs(container.Secrets, 'SecretName'),
    configs: refs(container.Configs, 'ConfigName'),
    preferences: (Array.isArray(record(task.Placement).Preferences) ? (record(task.Placement).Preferences as unknown[]) : [])
      .map((p) => String(record(record(p).Spread).SpreadDescriptor ?? ''))
      .filter((d) => d !== '')
      .join('\n'),
    restartCondition: oneOf(restart.Condition, ['none', 'on-failure', 'any'] as const),
    restartMaxAttempts: count(restart.MaxAttempts),
    restartDelay: seconds(restart.Delay),
    restartWindow: seconds(restart.Window),
    healthCommand: test[0] === 'CMD-SHELL' ? (test[1] ?? '') : test[0] === 'CMD' ? joinWords(test.slice(1)) : '',
    healthKind: test[0] === 'CMD' ? ('CMD' as const) : ('CMD-SHELL' as const),
    healthInterval: seconds(health.Interval),
    healthTimeout: seconds(health.Timeout),
    healthRetries: count(health.Retries),
    healthStartPeriod: seconds(health.StartPeriod),
    updateParallelism: count(update.Parallelism),
    updateDelay: seconds(update.Delay),
    updateFailureAction: oneOf(update.FailureAction, ['pause', 'continue', 'rollback'] as const),
    updateOrder: oneOf(update.Order, ['stop-first', 'start-first'] as const),
    updateMonitor: seconds(update.Monitor),
    updateMaxFailureRatio: ratio(update.MaxFailureRatio),
    rollbackParallelism: count(rollback.Parallelism),
    rollbackDelay: seconds(rollback.Delay),
    rollbackFailureAction: oneOf(rollback.FailureAction, ['pause', 'continue'] as const),
    rollbackOrder: oneOf(rollback.Order, ['stop-first', 'start-first'] as const),
    rollbackMonitor: seconds(rollback.Monitor),
    rollbackMaxFailureRatio: ratio(rollback.MaxFailureRatio),
  };
};

/** Maps a `validation_failed` answer's details onto form paths where it can; the rest stay general. */
export const serverFieldErrors = (details: unknown): { fields: FormErrors; general: string[] } => {
  const fields: FormErrors = {};
  const general: string[] = [];
  const add = (path: unknown, message: unknown) => {
    const p = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    const m = typeof message === 'string' ? message : JSON.stringify(message);
    if (p) fields[p] = m;
    else general.push(m);
  };
  const list = Array.isArray(details)
    ? details
    : Array.isArray(record(details).issues)
      ? (record(details).issues as unknown[])
      : Array.isArray(record(details).fields)
        ? (record(details).fields as unknown[])
        : null;
  if (list) {
    for (const item of list) {
      if (typeof item === 'string') general.push(item);
      else {
        const r = record(item);
        add(r.path ?? r.field ?? r.name, r.message ?? r.reason ?? item);
      }
    }
  } else if (details && typeof details === 'object') {
    for (const [k, v] of Object.entries(details)) add(k, v);
  } else if (typeof details === 'string') general.push(details);
  return { fields, general };
};
