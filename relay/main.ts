/**
 * The relay as its own process, for the stack: `GET /events` (WebSocket) and `GET /healthz` on PORT.
 * Adapters come from the composition root, so KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS select the cluster
 * bus and history exactly as they do for the other processes.
 *
 * Relay settings (all optional): RELAY_PING_INTERVAL_MS (30000; permissions are re-read on the same tick),
 * RELAY_MAX_BUFFERED_BYTES (4194304), RELAY_SETTLE_MS (250; raise it to the bus → history lag of the cluster).
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createDeps } from '../lib/compose.ts';
import { loadConfig } from '../lib/config.ts';
import { isAllowedOrigin, tokenFromCookie } from '../lib/http/session.ts';
import { createRelay } from './relay.ts';

const log = (level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
  (level === 'error' ? console.error : console.log)(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));

const optionalNumber = (name: string, min: number): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
};

const headersOf = (req: IncomingMessage): Headers => {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  return headers;
};

async function main(): Promise<void> {
  let config;
  let settings;
  try {
    config = loadConfig();
    settings = {
      pingIntervalMs: optionalNumber('RELAY_PING_INTERVAL_MS', 1),
      maxBufferedBytes: optionalNumber('RELAY_MAX_BUFFERED_BYTES', 1),
      settleMs: optionalNumber('RELAY_SETTLE_MS', 0),
    };
  } catch (e) {
    console.error(`Cannot start the relay: ${(e as Error).message}`);
    process.exit(2);
  }
  if (!config.kafkaBrokers) {
    log('error', 'KAFKA_BROKERS is not set: a standalone relay on the in-process bus replays history but sees no live events');
  }
  const composition = await createDeps(config);
  const { deps, bus, history } = composition;
  const relay = createRelay({
    bus,
    history,
    authenticate: (token) => deps.authenticator.authenticate(token),
    tokenFromCookie,
    isAllowedOrigin: (origin, req) =>
      isAllowedOrigin(origin, headersOf(req), `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, deps.http),
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
    log: (msg, fields) => log('error', msg, fields),
  });

  const server = createServer((req, res) => {
    if (req.url === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const body = JSON.stringify({ error: { code: 'not_found', message: 'The relay serves only the /events WebSocket' } });
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(body);
  });
  server.on('upgrade', relay.handleUpgrade);
  server.on('clientError', (_e, socket) => socket.destroy());
  server.listen(config.port, config.host, () => log('info', 'relay listening', { url: `ws://${config.host}:${config.port}/events` }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'relay shutting down', { signal, clients: relay.size });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await relay.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await composition.close();
      process.exit(0);
    } catch (e) {
      log('error', 'relay shutdown failed', { error: String(e) });
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
