/**
 * `npm start`: local mode. Every function, the relay, the event workers (alerts too) and the SPA in one process,
 * against the local Docker engine, with embedded storage under DATA_DIR.
 */
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createDeps } from '../lib/compose.ts';
import { loadConfig } from '../lib/config.ts';
import { runProcess } from '../lib/process.ts';
import { bootstrapAdmin } from '../lib/users/bootstrap.ts';
import { startEventPipeline } from '../workers/event-pipeline.ts';
import { createRelayFor } from '../relay/attach.ts';
import { rejectHandshake } from '../relay/upgrade.ts';
import { assertAllowedHost, createLocalApp } from './app.ts';

runProcess('local', async ({ log, signal }) => {
  const config = loadConfig(process.env, 'local');
  const composition = await createDeps(config);
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
    log.info('created the administrator', { username: config.adminUsername });
  }

  const pipeline = startEventPipeline({
    docker: composition.engineEvents(),
    bus: composition.bus,
    history: composition.history,
    dataDir: config.dataDir,
    alerts: { store: deps.alerts, webhooks: deps.webhooks },
    signal,
    log: (message) => log.info(message),
  });
  const frontendDir = fileURLToPath(new URL('../frontend/dist', import.meta.url));
  const app = createLocalApp(deps, { frontendDir, allowedHosts: config.allowedHosts });
  const relay = createRelayFor(composition, config, log);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    log.info('listening', { url: `http://${config.host}:${info.port}`, dataDir: config.dataDir, ...composition.modes });
  });
  server.on('upgrade', (req, socket, head) => {
    try {
      assertAllowedHost(req.headers.host, config.allowedHosts);
    } catch {
      return rejectHandshake(socket, { status: 421, reason: 'Misdirected Request', code: 'misdirected_request', message: 'This server does not answer for that host name' });
    }
    relay.handleUpgrade(req, socket, head);
  });

  return {
    async stop() {
      await pipeline.done.catch(() => {});
      await relay.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await composition.close();
    },
  };
});
