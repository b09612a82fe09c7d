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
import { join, resolve } from 'node:path';
import type { EventConfig } from './events/compose.ts';

export const OPENFAAS_SECRETS_DIR = '/var/openfaas/secrets';

/** The five kinds of process; each reads the settings it needs. */
export type ProcessRole = 'local' | 'function' | 'relay' | 'producer' | 'consumer';

export interface RelaySettings {
  pingIntervalMs?: number;
  maxBufferedBytes?: number;
  settleMs?: number;
}

/** Settings shared by every process. */
export interface BaseConfig {
  role: ProcessRole;
  dataDir: string;
  dockerHost: string | undefined;
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
  /** Extra origins allowed for cookie-authenticated writes and the WebSocket, besides the request's own. */
  allowedOrigins: string[];
  /** Trust X-Forwarded-For / X-Forwarded-Proto (behind the OpenFaaS gateway or an edge proxy). */
  trustProxy: boolean;
  mongoUrl: string | undefined;
  natsUrl: string | undefined;
  kafkaBrokers: string[] | undefined;
  cassandraContactPoints: string[] | undefined;
  relay: RelaySettings;
  /** A function's workload contract (lib/openfaas/workload.ts); OpenFaaS's names for the same settings. */
  workload: WorkloadConfig;
}

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
    let scheme: string;
    try {
      scheme = new URL(value).protocol.replace(/:$/, '');
    } catch {
      throw new ConfigError(`${name} must be a URL (${schemes.map((s) => `${s}://…`).join(' or ')})`);
    }
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

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const HOST = /^[A-Za-z0-9.\-_[\]:]+$/;

function base(s: Settings, role: ProcessRole, defaults: { dataDir: string }): BaseConfig {
  const dataDir = resolve(s.string('DATA_DIR') ?? defaults.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
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
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(events, { [key]: value });
  return { role, dataDir, dockerHost: s.url('DOCKER_HOST', ['unix', 'tcp', 'http']), events };
}

/** Settings of local mode, an OpenFaaS function or the relay. Throws ConfigError. */
export function loadConfig(env: Env = process.env, role: 'local' | 'function' | 'relay' = 'local'): Config {
  const isFunction = role === 'function';
  const s = new Settings(env, isFunction ? OPENFAAS_SECRETS_DIR : undefined);
  const common = base(s, role, { dataDir: isFunction ? '/tmp/data' : './data' });
  // NOTE: a function is the workload itself: the provider reaches it on every interface at :8080.
  const port = s.int('PORT', { min: 0, max: 65535 }) ?? 8080;
  const ttl = s.int('TOKEN_TTL_SECONDS', { min: 1 }) ?? 900;
  return {
    ...common,
    host: s.string('HOST') ?? (isFunction ? '0.0.0.0' : '127.0.0.1'),
    port,
    adminUsername: s.string('ADMIN_USERNAME') ?? 'admin',
    adminPassword: s.secret('ADMIN_PASSWORD', 'admin-password'),
    jwtSecret: loadJwtSecret(env, common.dataDir),
    tokenTtlSeconds: ttl,
    allowedOrigins: s.list('ALLOWED_ORIGINS', 'origins (https://host[:port])', (e) => /^https?:\/\/[^/\s]+$/.test(e)) ?? [],
    // NOTE: a function is reached only through the gateway and the provider, which keep the edge's
    // X-Forwarded-For/-Proto/-Host; the client is the first X-Forwarded-For entry.
    trustProxy: s.bool('TRUST_PROXY') ?? isFunction,
    mongoUrl: s.url('MONGO_URL', ['mongodb', 'mongodb+srv'], 'mongo-url'),
    natsUrl: s.url('NATS_URL', ['nats', 'tls']),
    kafkaBrokers: common.events.kafkaBrokers,
    cassandraContactPoints: common.events.cassandraContactPoints,
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
    },
  };
}

/** Settings of the producer (Kafka required) or the consumer (Kafka and Cassandra required). Throws ConfigError. */
export function loadWorkerConfig(env: Env, role: 'producer' | 'consumer'): WorkerConfig {
  const s = new Settings(env, undefined);
  const common = base(s, role, { dataDir: './data' });
  if (!common.events.kafkaBrokers) throw new ConfigError(`KAFKA_BROKERS is required for the ${role} (host:port,…)`);
  if (role === 'consumer' && !common.events.cassandraContactPoints) {
    throw new ConfigError('CASSANDRA_CONTACT_POINTS is required for the consumer (host names, comma-separated)');
  }
  return { ...common, node: s.string('EVENTS_NODE'), group: s.string('EVENTS_GROUP') };
}

const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
