/**
 * `npm start`: local mode. Every function, the relay, the event workers and the SPA in one process,
 * against the local Docker engine, with embedded storage under DATA_DIR.
 */
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createDeps } from '../lib/compose.ts';
import { loadConfig } from '../lib/config.ts';
import { bootstrapAdmin } from '../lib/users/bootstrap.ts';
import { startEventPipeline } from '../workers/event-pipeline.ts';
import { createRelayFor } from './relay.ts';
import { createLocalApp } from './app.ts';

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg, ...fields }));

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(`Cannot start: ${(e as Error).message}`);
    process.exit(2);
  }
  let composition;
  try {
    composition = await createDeps(config);
  } catch (e) {
    console.error(`Cannot start: ${(e as Error).message}`);
    process.exit(2);
  }
  const { deps } = composition;

  try {
    await deps.swarm.ping();
  } catch {
    console.error(
      `\nNo Docker engine answers at ${config.dockerHost ?? 'unix:///var/run/docker.sock'}.\n` +
        'The dashboard starts anyway; service and node pages answer 503 swarm_unavailable until an engine is up.\n' +
        'To run a local engine and single-node swarm: npm run swarm:local\n',
    );
  }

  const admin = await bootstrapAdmin({ users: deps.users, passwords: deps.passwords, username: config.adminUsername, password: config.adminPassword });
  if (admin.generatedPassword) {
    console.log(`\n  Created the administrator "${config.adminUsername}" with the generated password:\n\n    ${admin.generatedPassword}\n\n  It is shown only this once. Change it on the Account page.\n`);
  } else if (admin.created) {
    log('created the administrator', { username: config.adminUsername });
  }

  const workers = new AbortController();
  const pipeline = startEventPipeline({
    docker: composition.engineEvents(),
    bus: composition.bus,
    history: composition.history,
    dataDir: config.dataDir,
    signal: workers.signal,
    log: (message) => log(message),
  });
  const frontendDir = fileURLToPath(new URL('../frontend/dist', import.meta.url));
  const app = createLocalApp(deps, { frontendDir });
  const relay = createRelayFor(composition);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    log('listening', { url: `http://${config.host}:${info.port}`, dataDir: config.dataDir, ...composition.modes });
  });
  server.on('upgrade', relay.handleUpgrade);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    workers.abort();
    await pipeline.done.catch(() => {});
    await relay.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await composition.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
