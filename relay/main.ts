/**
 * The relay as its own process, for the stack: `GET /events` (WebSocket) and `GET /healthz` on PORT.
 * Adapters come from the composition root, so KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS select the cluster
 * bus and history exactly as they do for the other processes. Relay settings (RELAY_*) are in lib/config.ts.
 */
import { createServer } from 'node:http';
import { createDeps } from '../lib/compose.ts';
import { loadConfig } from '../lib/config.ts';
import { runProcess } from '../lib/process.ts';
import { createRelayFor } from './attach.ts';

runProcess('relay', async ({ log }) => {
  const config = loadConfig(process.env, 'relay');
  if (!config.kafkaBrokers) {
    log.error('KAFKA_BROKERS is not set: a standalone relay on the in-process bus replays history but sees no live events');
  }
  const composition = await createDeps(config);
  const relay = createRelayFor(composition, config, log);
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
  server.listen(config.port, config.host, () => log.info('relay listening', { url: `ws://${config.host}:${config.port}/events` }));
  return {
    async stop() {
      log.info('closing clients', { clients: relay.size });
      await relay.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await composition.close();
    },
  };
});
