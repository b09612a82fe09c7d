/**
 * Settings from the environment, read once at start (api-contract.md "Local mode settings").
 * Anything wrong fails the boot with a clear message, never the first request.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  dockerHost: string | undefined;
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
}

export const OPENFAAS_SECRETS_DIR = '/var/openfaas/secrets';

type Env = Record<string, string | undefined>;

function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new Error(`Cannot read ${what} from ${path}: ${(e as Error).message}`);
  }
}

/** The signing secret: JWT_SECRET_FILE, else the OpenFaaS secret, else generated once into DATA_DIR (0600). */
function loadJwtSecret(env: Env, dataDir: string): Uint8Array {
  const openfaas = join(OPENFAAS_SECRETS_DIR, 'jwt-secret');
  const file = env['JWT_SECRET_FILE'] ?? (existsSync(openfaas) ? openfaas : undefined);
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
  if (secret.length < 32) throw new Error(`The JWT secret${file ? ` in ${file}` : ''} must hold at least 32 bytes, base64url-encoded`);
  return new Uint8Array(secret);
}

const list = (value: string | undefined) =>
  value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;

export function loadConfig(env: Env = process.env): Config {
  const port = Number(env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env['PORT']}`);
  const dataDir = resolve(env['DATA_DIR'] ?? './data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const ttl = Number(env['TOKEN_TTL_SECONDS'] ?? 900);
  const passwordFile = env['ADMIN_PASSWORD_FILE'];
  return {
    host: env['HOST'] ?? '127.0.0.1',
    port,
    dataDir,
    dockerHost: env['DOCKER_HOST'] || undefined,
    adminUsername: env['ADMIN_USERNAME'] || 'admin',
    adminPassword: env['ADMIN_PASSWORD'] || (passwordFile ? readSecretFile(passwordFile, 'ADMIN_PASSWORD_FILE') : undefined),
    jwtSecret: loadJwtSecret(env, dataDir),
    tokenTtlSeconds: ttl,
    allowedOrigins: list(env['ALLOWED_ORIGINS']) ?? [],
    trustProxy: env['TRUST_PROXY'] === 'true',
    mongoUrl: env['MONGO_URL'] || undefined,
    natsUrl: env['NATS_URL'] || undefined,
    kafkaBrokers: list(env['KAFKA_BROKERS']),
    cassandraContactPoints: list(env['CASSANDRA_CONTACT_POINTS']),
  };
}
