/**
 * Every setting of every process, read from the environment once at start (api-contract.md, "Local mode
 * settings"; README, "Settings"). Anything wrong fails the boot with a `ConfigError` that names the variable
 * and the form it expects, never the first request. Entry points read settings only through here.
 *
 * A secret setting may also come from a file: `<NAME>_FILE`, and for an OpenFaaS function the file
 * `/var/openfaas/secrets/<name>` (for example `mongo-url` for MONGO_URL).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { WebhookSettings } from './alerts/webhook.ts';
import { MAX_TOKEN_TTL_SECONDS } from './auth/tokens.ts';
import { DEFAULT_PORT_RANGE } from './swarm/spec-policy.ts';
import { normalizeUsername } from './users/usernames.ts';
import type { EventConfig, KafkaSasl } from './events/compose.ts';

export const OPENFAAS_SECRETS_DIR = '/var/openfaas/secrets';

/** The six kinds of process; each reads the settings it needs. */
export type ProcessRole = 'local' | 'function' | 'relay' | 'producer' | 'consumer' | 'alerts';

export interface RelaySettings {
  pingIntervalMs?: number;
  maxBufferedBytes?: number;
  settleMs?: number;
  /** Open WebSockets at most (RELAY_MAX_CONNECTIONS, default 1000 in relay/relay.ts). */
  maxConnections?: number;
  /** Streams per user at most (RELAY_MAX_CONNECTIONS_PER_USER, default 10). */
  maxConnectionsPerUser?: number;
  /** Events one `?since=` replay may send (RELAY_MAX_REPLAY_EVENTS, default 10 000). */
  maxReplayEvents?: number;
  /** Bytes one replay may send (RELAY_MAX_REPLAY_BYTES, default 8 MiB). */
  maxReplayBytes?: number;
}

/** Settings shared by every process. */
export interface BaseConfig {
  role: ProcessRole;
  dataDir: string;
  dockerHost: string | undefined;
  /** Sent to the restricted Docker API proxy of the stack, which authenticates its callers. */
  dockerApiToken: string | undefined;
  events: EventConfig;
}

/** Settings of the processes that answer HTTP: local mode, a function, the relay. */
export interface Config extends BaseConfig {
  host: string;
  port: number;
  adminUsername: string;
  adminPassword: string | undefined;
  jwtSecret: Uint8Array;
  tokenTtlSeconds: number;
  /** The absolute lifetime of a browser session, however often its token is renewed (SESSION_MAX_SECONDS). */
  sessionMaxSeconds: number;
  /** Extra origins allowed for cookie-authenticated writes and the WebSocket, besides the request's own. */
  allowedOrigins: string[];
  /** Host names local mode answers (`Host` header, without the port), against DNS rebinding. Lower case. */
  allowedHosts: string[];
  /** Trust X-Forwarded-For / X-Forwarded-Proto from the direct peer (behind the OpenFaaS gateway or an edge proxy). */
  trustProxy: boolean;
  /** Addresses and CIDR blocks of the proxies whose X-Forwarded-For entries count (TRUSTED_PROXIES). */
  trustedProxies: string[];
  /** With MONGO_USERNAME/MONGO_PASSWORD folded in, when those are set. */
  mongoUrl: string | undefined;
  natsUrl: string | undefined;
  /** NATS_USER + NATS_PASSWORD, or NATS_TOKEN. */
  natsAuth: NatsAuth | undefined;
  kafkaBrokers: string[] | undefined;
  cassandraContactPoints: string[] | undefined;
  relay: RelaySettings;
  /** POLICY_ALLOWED_PORTS: published ports (inclusive ranges) that users without services.privileged may use anyway. */
  policyAllowedPorts: Array<[number, number]>;
  /** The published ports users without services.privileged may use at all (POLICY_PORT_RANGE); reserved ones stay refused. */
  policyPortRange: [number, number];
  /** ALERT_*: webhook targets, timeout and retries (create-alert-rule, test-alert-rule, local mode's alerts loop). */
  alerts: WebhookSettings;
  /** A function's workload contract (lib/openfaas/workload.ts); OpenFaaS's names for the same settings. */
  workload: WorkloadConfig;
}

export type NatsAuth = { user: string; pass: string } | { token: string };

export interface WorkloadConfig {
  /** exec_timeout: a request not answered by then gets 504 (0: none). */
  execTimeoutMs: number;
  /** max_inflight: concurrent requests before 429 (0: no limit). */
  maxInflight: number;
  /** healthcheck_interval: after SIGTERM, the listener stays open this long, reporting not ready. */
  healthcheckIntervalMs: number;
  /** write_timeout: then in-flight requests get this long to finish. */
  writeTimeoutMs: number;
  /** LOCK_FILE: the file the image's HEALTHCHECK tests, written once the function can answer. */
  lockFile: string;
}

/** Settings of the event workers. */
export interface WorkerConfig extends BaseConfig {
  /** The producer's node id (asked of the engine otherwise). */
  node: string | undefined;
  /** The consumer group. */
  group: string | undefined;
  /** The alerts worker's store (MongoDB); unset for the producer and the consumer. */
  mongoUrl?: string;
  /** The alerts worker's webhook settings. */
  alerts?: WebhookSettings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads typed settings from `env`; every error names the variable and the expected form. */
class Settings {
  constructor(
    private readonly env: Env,
    private readonly secretsDir: string | undefined,
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string): string | undefined {
    return this.raw(name);
  }

  /** A value or, failing that, the content of `<NAME>_FILE`, or of the function's secret file `secret`. */
  secret(name: string, secret?: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined) return value;
    const file = this.raw(`${name}_FILE`) ?? (secret && this.secretsDir && existsSync(join(this.secretsDir, secret)) ? join(this.secretsDir, secret) : undefined);
    return file === undefined ? undefined : readSecretFile(file, `${name}_FILE`);
  }

  int(name: string, { min, max = Number.MAX_SAFE_INTEGER }: { min: number; max?: number }): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  }

  /** A Go-style duration (`10s`, `1.5s`, `500ms`, `2m`) or whole seconds, as OpenFaaS reads its timeouts. */
  durationMs(name: string, { max = 3_600_000 }: { max?: number } = {}): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
    const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000) : NaN;
    if (!Number.isFinite(ms) || ms > max) throw new ConfigError(`${name} must be a duration such as 10s, 500ms or 2m (at most ${max / 1000} s), got "${value}"`);
    return Math.round(ms);
  }

  bool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw new ConfigError(`${name} must be true or false, got "${value}"`);
    return value === 'true';
  }

  /** A comma-separated list; entries are trimmed and empty ones dropped. */
  list(name: string, form: string, valid: (entry: string) => boolean = () => true): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = entries.find((e) => !valid(e));
    if (entries.length === 0 || bad !== undefined) {
      throw new ConfigError(`${name} must be a comma-separated list of ${form}, got "${value}"`);
    }
    return entries;
  }

  url(name: string, schemes: string[], secret?: string): string | undefined {
    const value = this.secret(name, secret);
    if (value === undefined) return undefined;
    // NOTE: not `new URL`: a MongoDB seed list with ports (`h1:27017,h2:27017`) is no WHATWG URL, yet valid.
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/\S+$/.exec(value)?.[1]?.toLowerCase();
    if (scheme === undefined) throw new ConfigError(`${name} must be a URL (${schemes.map((s) => `${s}://…`).join(' or ')})`);
    if (!schemes.includes(scheme)) throw new ConfigError(`${name} must be a URL (${schemes.map((s) => `${s}://…`).join(' or ')}), got a ${scheme} URL`);
    return value;
  }
}

function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`Cannot read ${what} from ${path}: ${(e as Error).message}`);
  }
}

/** The signing secret: JWT_SECRET_FILE, else the OpenFaaS secret, else generated once into DATA_DIR (0600). */
function loadJwtSecret(env: Env, dataDir: string): Uint8Array {
  const openfaas = join(OPENFAAS_SECRETS_DIR, 'jwt-secret');
  const file = env['JWT_SECRET_FILE'] || (existsSync(openfaas) ? openfaas : undefined);
  let text: string;
  if (file) {
    text = readSecretFile(file, 'the JWT secret');
  } else {
    const generated = join(dataDir, 'jwt-secret');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!existsSync(generated)) {
      writeFileSync(generated, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(generated, 0o600);
    text = readFileSync(generated, 'utf8').trim();
  }
  const secret = Buffer.from(text, 'base64url');
  if (secret.length < 32) throw new ConfigError(`The JWT secret${file ? ` in ${file}` : ''} must hold at least 32 bytes, base64url-encoded`);
  return new Uint8Array(secret);
}

const PORT_RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** `80`, `8000-8100`: a port or an inclusive range, both within 1–65535 and in order. */
/** POLICY_PORT_RANGE: `from-to` within 1024–65535 (ports below 1024 are opened one by one, with POLICY_ALLOWED_PORTS). */
function policyPortRange(value: string | undefined): [number, number] {
  if (value === undefined) return [...DEFAULT_PORT_RANGE];
  const range = portRange(value);
  if (!range || !value.includes('-') || range[0] < 1024) {
    throw new ConfigError(`POLICY_PORT_RANGE must be a range of ports within 1024-65535, like 30000-32767 (got ${JSON.stringify(value)})`);
  }
  return range;
}

function portRange(entry: string): [number, number] | undefined {
  const m = PORT_RANGE.exec(entry);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from >= 1 && to <= 65535 && from <= to ? [from, to] : undefined;
}

/** An IPv4 or IPv6 address, or one with a /prefix. */
export function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The host names local mode answers by default: where it listens, the loopback names, and ALLOWED_ORIGINS' hosts. */
function defaultAllowedHosts(host: string, origins: string[]): string[] {
  const listening = isIP(host) === 6 ? `[${host}]` : host;
  // NOTE: 0.0.0.0 and :: are no name a browser sends; behind them, name the hosts in ALLOWED_HOSTS.
  const names = [listening, '127.0.0.1', 'localhost', '[::1]', ...origins.map((o) => new URL(o).hostname)];
  return [...new Set(names.map((n) => n.toLowerCase()).filter((n) => n !== '0.0.0.0' && n !== '[::]'))];
}

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const HOST = /^[A-Za-z0-9.\-_[\]:]+$/;

function base(s: Settings, role: ProcessRole, defaults: { dataDir: string }): BaseConfig {
  // NOTE: not made here: only what stores something there makes it (the embedded stores, the producer's cursor,
  // a generated JWT secret). A worker of the cluster composition stores nothing locally, and runs as a user that
  // cannot write its image's /app.
  const dataDir = resolve(s.string('DATA_DIR') ?? defaults.dataDir);
  const events: EventConfig = { dataDir, ttlDays: s.int('EVENTS_TTL_DAYS', { min: 1, max: 3650 }) ?? 30 };
  const brokers = s.list('KAFKA_BROKERS', 'host:port', (e) => HOST_PORT.test(e));
  const points = s.list('CASSANDRA_CONTACT_POINTS', 'host names or host:port', (e) => HOST.test(e) || HOST_PORT.test(e));
  const optional = {
    kafkaBrokers: brokers,
    kafkaTopic: s.string('KAFKA_TOPIC'),
    kafkaPartitions: s.int('KAFKA_PARTITIONS', { min: 1, max: 1000 }),
    kafkaReplicationFactor: s.int('KAFKA_REPLICATION_FACTOR', { min: 1, max: 16 }),
    cassandraContactPoints: points,
    cassandraLocalDc: s.string('CASSANDRA_LOCAL_DC'),
    cassandraKeyspace: s.string('CASSANDRA_KEYSPACE'),
    cassandraReplicationFactor: s.int('CASSANDRA_REPLICATION_FACTOR', { min: 1, max: 16 }),
    kafkaSasl: kafkaSasl(s),
    cassandraCredentials: credentials(s, 'CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'cassandra-password'),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(events, { [key]: value });
  return { role, dataDir, dockerHost: s.url('DOCKER_HOST', ['unix', 'tcp', 'http']), dockerApiToken: s.secret('DOCKER_API_TOKEN', 'docker-api-token'), events };
}

/** Settings of local mode, an OpenFaaS function or the relay. Throws ConfigError. */
export function loadConfig(env: Env = process.env, role: 'local' | 'function' | 'relay' = 'local'): Config {
  const isFunction = role === 'function';
  const s = new Settings(env, isFunction ? OPENFAAS_SECRETS_DIR : undefined);
  const common = base(s, role, { dataDir: isFunction ? '/tmp/data' : './data' });
  // NOTE: a function is the workload itself: the provider reaches it on every interface at :8080.
  const port = s.int('PORT', { min: 0, max: 65535 }) ?? 8080;
  const ttl = s.int('TOKEN_TTL_SECONDS', { min: 1 }) ?? 900;
  const host = s.string('HOST') ?? (isFunction ? '0.0.0.0' : '127.0.0.1');
  const allowedOrigins = s.list('ALLOWED_ORIGINS', 'origins (https://host[:port])', (e) => /^https?:\/\/[^/\s]+$/.test(e)) ?? [];
  return {
    ...common,
    host,
    port,
    adminUsername: normalizeUsername(s.string('ADMIN_USERNAME') ?? 'admin'),
    adminPassword: s.secret('ADMIN_PASSWORD', 'admin-password'),
    jwtSecret: loadJwtSecret(env, common.dataDir),
    tokenTtlSeconds: ttl,
    sessionMaxSeconds: s.int('SESSION_MAX_SECONDS', { min: Math.min(ttl, MAX_TOKEN_TTL_SECONDS), max: 30 * 86_400 }) ?? 12 * 3600,
    allowedOrigins,
    allowedHosts:
      s.list('ALLOWED_HOSTS', 'host names (dash.example.com, 127.0.0.1, [::1])', (e) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-_]+)$/.test(e))?.map((h) => h.toLowerCase()) ??
      defaultAllowedHosts(host, allowedOrigins),
    // NOTE: a function is reached only through the gateway and the provider, which keep the edge's
    // X-Forwarded-For/-Proto/-Host.
    trustProxy: s.bool('TRUST_PROXY') ?? isFunction,
    trustedProxies: s.list('TRUSTED_PROXIES', 'addresses or CIDR blocks (10.0.0.0/8, 192.0.2.7, fd00::/8)', isAddressOrCidr) ?? [],
    mongoUrl: mongoUrl(s, 'mongo-url'),
    natsUrl: s.url('NATS_URL', ['nats', 'tls']),
    natsAuth: natsAuth(s),
    kafkaBrokers: common.events.kafkaBrokers,
    cassandraContactPoints: common.events.cassandraContactPoints,
    policyAllowedPorts: (s.list('POLICY_ALLOWED_PORTS', 'ports or ranges (80,443,8000-8100)', (e) => portRange(e) !== undefined) ?? []).map(
      (e) => portRange(e)!,
    ),
    policyPortRange: policyPortRange(s.string('POLICY_PORT_RANGE')),
    alerts: alertSettings(s),
    workload: {
      execTimeoutMs: s.durationMs('exec_timeout') ?? 10_000,
      maxInflight: s.int('max_inflight', { min: 0, max: 100_000 }) ?? 0,
      healthcheckIntervalMs: s.durationMs('healthcheck_interval', { max: 60_000 }) ?? 2_000,
      writeTimeoutMs: s.durationMs('write_timeout') ?? 15_000,
      lockFile: s.string('LOCK_FILE') ?? '/tmp/.lock',
    },
    relay: {
      ...opt('pingIntervalMs', s.int('RELAY_PING_INTERVAL_MS', { min: 1 })),
      ...opt('maxBufferedBytes', s.int('RELAY_MAX_BUFFERED_BYTES', { min: 1 })),
      ...opt('settleMs', s.int('RELAY_SETTLE_MS', { min: 0 })),
      ...opt('maxConnections', s.int('RELAY_MAX_CONNECTIONS', { min: 1 })),
      ...opt('maxConnectionsPerUser', s.int('RELAY_MAX_CONNECTIONS_PER_USER', { min: 1 })),
      ...opt('maxReplayEvents', s.int('RELAY_MAX_REPLAY_EVENTS', { min: 1 })),
      ...opt('maxReplayBytes', s.int('RELAY_MAX_REPLAY_BYTES', { min: 1024 })),
    },
  };
}

/**
 * Settings of the producer (Kafka required), the consumer (Kafka and Cassandra required) or the alerts worker
 * (Kafka and MONGO_URL required: the rules and deliveries the functions and every replica share). Throws ConfigError.
 */
export function loadWorkerConfig(env: Env, role: 'producer' | 'consumer' | 'alerts'): WorkerConfig {
  const s = new Settings(env, undefined);
  const common = base(s, role, { dataDir: './data' });
  if (!common.events.kafkaBrokers) throw new ConfigError(`KAFKA_BROKERS is required for the ${role} (host:port,…)`);
  if (role === 'consumer' && !common.events.cassandraContactPoints) {
    throw new ConfigError('CASSANDRA_CONTACT_POINTS is required for the consumer (host names, comma-separated)');
  }
  const config: WorkerConfig = { ...common, node: s.string('EVENTS_NODE'), group: s.string('EVENTS_GROUP') };
  if (role === 'alerts') {
    const url = mongoUrl(s);
    if (!url) throw new ConfigError('MONGO_URL is required for the alerts worker (mongodb://…), or MONGO_URL_FILE');
    return { ...config, mongoUrl: url, alerts: alertSettings(s) };
  }
  return config;
}

/**
 * `<USER>` and `<PASSWORD>` (or `<PASSWORD>_FILE`, or the function's secret file): both or neither. The error
 * names the variables, never a value.
 */
function credentials(s: Settings, user: string, password: string, secret: string): { username: string; password: string } | undefined {
  const username = s.string(user);
  // NOTE: a function's secret file alone does not count: faas.yml mounts the same secrets on every function,
  // and where the server needs none (an environment without the event cluster) no username is set.
  const explicit = s.string(password) !== undefined || s.string(`${password}_FILE`) !== undefined;
  if (username === undefined && !explicit) return undefined;
  const pass = s.secret(password, secret);
  if (username === undefined && pass === undefined) return undefined;
  if (username === undefined) throw new ConfigError(`${user} is required when ${password} (or ${password}_FILE) is set`);
  if (pass === undefined) throw new ConfigError(`${password} (or ${password}_FILE) is required when ${user} is set`);
  return { username, password: pass };
}

const KAFKA_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/** KAFKA_USERNAME + KAFKA_PASSWORD[_FILE]; KAFKA_SASL_MECHANISM defaults to scram-sha-512 (what the stack's brokers offer). */
function kafkaSasl(s: Settings): KafkaSasl | undefined {
  const mechanism = s.string('KAFKA_SASL_MECHANISM')?.toLowerCase();
  if (mechanism !== undefined && !(KAFKA_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ConfigError(`KAFKA_SASL_MECHANISM must be one of ${KAFKA_MECHANISMS.join(', ')}, got "${mechanism}"`);
  }
  const creds = credentials(s, 'KAFKA_USERNAME', 'KAFKA_PASSWORD', 'kafka-password');
  if (!creds) {
    if (mechanism !== undefined) throw new ConfigError('KAFKA_SASL_MECHANISM is set, but KAFKA_USERNAME and KAFKA_PASSWORD are not');
    return undefined;
  }
  return { mechanism: (mechanism ?? 'scram-sha-512') as KafkaSasl['mechanism'], ...creds };
}

/** NATS_USER + NATS_PASSWORD[_FILE], or NATS_TOKEN[_FILE]; not both. */
function natsAuth(s: Settings): NatsAuth | undefined {
  const creds = credentials(s, 'NATS_USER', 'NATS_PASSWORD', 'nats-password');
  const token = s.secret('NATS_TOKEN', 'nats-token');
  if (creds && token !== undefined) throw new ConfigError('Set either NATS_USER and NATS_PASSWORD or NATS_TOKEN, not both');
  if (creds) return { user: creds.username, pass: creds.password };
  return token === undefined ? undefined : { token };
}

/**
 * MONGO_URL[_FILE], with MONGO_USERNAME + MONGO_PASSWORD[_FILE] (and MONGO_AUTH_SOURCE) folded in when set, so
 * every MongoDB store of the process connects the same way. Credentials may instead be inside the URL itself.
 */
function mongoUrl(s: Settings, secret?: string): string | undefined {
  const url = s.url('MONGO_URL', ['mongodb', 'mongodb+srv'], secret);
  const creds = credentials(s, 'MONGO_USERNAME', 'MONGO_PASSWORD', 'mongo-password');
  const authSource = s.string('MONGO_AUTH_SOURCE');
  if (!creds) {
    if (authSource !== undefined) throw new ConfigError('MONGO_AUTH_SOURCE is set, but MONGO_USERNAME and MONGO_PASSWORD are not');
    return url;
  }
  if (url === undefined) throw new ConfigError('MONGO_USERNAME is set, but MONGO_URL (or MONGO_URL_FILE) is not');
  // NOTE: by hand, not with URL: a seed list with ports (`h1:27017,h2:27017`) is no WHATWG URL host.
  const m = /^(mongodb(?:\+srv)?:\/\/)([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(url);
  if (!m) throw new ConfigError('MONGO_URL must be a URL (mongodb://host[:port][,host…]/[database][?options])');
  const [, scheme, hosts = '', path = '/', query = ''] = m;
  if (hosts.includes('@')) throw new ConfigError('MONGO_URL already holds credentials; drop MONGO_USERNAME and MONGO_PASSWORD, or them from the URL');
  if (authSource !== undefined && !/^\$?[A-Za-z0-9_-]{1,64}$/.test(authSource)) {
    throw new ConfigError(`MONGO_AUTH_SOURCE must be a database name, got "${authSource}"`);
  }
  const params = new URLSearchParams(query);
  if (authSource !== undefined) params.set('authSource', authSource);
  const search = params.toString();
  return `${scheme}${encodeURIComponent(creds.username)}:${encodeURIComponent(creds.password)}@${hosts}${path}${search ? `?${search}` : ''}`;
}

/** Settings of cassandra-init (workers/cassandra-init): the dashboard's role, made with the superuser. */
export interface CassandraInitConfig {
  contactPoints: string[];
  localDataCenter: string;
  role: string;
  password: string;
  superuserPassword: string;
  keyspace: string;
  replicationFactor: number;
}

/** CASSANDRA_CONTACT_POINTS, CASSANDRA_PASSWORD[_FILE] and CASSANDRA_SUPERUSER_PASSWORD[_FILE] are required. Throws ConfigError. */
export function loadCassandraInitConfig(env: Env): CassandraInitConfig {
  const s = new Settings(env, undefined);
  const contactPoints = s.list('CASSANDRA_CONTACT_POINTS', 'host names or host:port', (e) => HOST.test(e) || HOST_PORT.test(e));
  if (!contactPoints) throw new ConfigError('CASSANDRA_CONTACT_POINTS is required for cassandra-init (host names, comma-separated)');
  const password = s.secret('CASSANDRA_PASSWORD');
  if (!password) throw new ConfigError('CASSANDRA_PASSWORD (or CASSANDRA_PASSWORD_FILE) is required for cassandra-init: the dashboard role\'s password');
  const superuserPassword = s.secret('CASSANDRA_SUPERUSER_PASSWORD');
  if (!superuserPassword) throw new ConfigError('CASSANDRA_SUPERUSER_PASSWORD (or CASSANDRA_SUPERUSER_PASSWORD_FILE) is required for cassandra-init');
  return {
    contactPoints,
    localDataCenter: s.string('CASSANDRA_LOCAL_DC') ?? 'datacenter1',
    role: s.string('CASSANDRA_USERNAME') ?? 'dashboard',
    password,
    superuserPassword,
    keyspace: s.string('CASSANDRA_KEYSPACE') ?? 'swarm_dashboard',
    replicationFactor: s.int('CASSANDRA_REPLICATION_FACTOR', { min: 1, max: 16 }) ?? 1,
  };
}

/** ALERT_WEBHOOK_ALLOW_PRIVATE (contract 1.1), ALERT_WEBHOOK_TIMEOUT_MS, ALERT_RETRY_ATTEMPTS, ALERT_RETRY_BACKOFF_MS. */
function alertSettings(s: Settings): WebhookSettings {
  return {
    allowPrivate: s.bool('ALERT_WEBHOOK_ALLOW_PRIVATE') ?? false,
    timeoutMs: s.int('ALERT_WEBHOOK_TIMEOUT_MS', { min: 100, max: 60_000 }) ?? 5000,
    attempts: s.int('ALERT_RETRY_ATTEMPTS', { min: 1, max: 20 }) ?? 5,
    backoffMs: s.int('ALERT_RETRY_BACKOFF_MS', { min: 1, max: 300_000 }) ?? 1000,
  };
}

const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
