/**
 * The relay wired as local mode wires it (in-process bus → consumer group → embedded history in `dataDir`) behind
 * a real HTTP server on 127.0.0.1, for relay/relay.int.test.ts and scripts/bench/relay.ts (not shipped). The
 * caller gives the relay's other dependencies, knowing the server's origin.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryEventBus } from '../lib/events/event-bus/memory.ts';
import { createEmbeddedEventHistory } from '../lib/events/event-history/embedded.ts';
import { createRelay, type RelayDeps } from '../relay/relay.ts';

export interface LocalRelay {
  /** `ws://127.0.0.1:<port>/events` */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  relay: ReturnType<typeof createRelay>;
  bus: ReturnType<typeof createMemoryEventBus>;
  history: ReturnType<typeof createEmbeddedEventHistory>;
  /** Closes the relay, the server, the consumer, the bus and the history, then removes `dataDir`. */
  stop(): Promise<void>;
}

/** `consumerLagMs` delays each history write, as a Kafka → Cassandra consumer lags behind the bus. */
export async function startLocalRelay(options: {
  dataDir: string;
  consumerLagMs?: number;
  deps: (origin: string) => Omit<RelayDeps, 'bus' | 'history'>;
}): Promise<LocalRelay> {
  const { dataDir, consumerLagMs = 0 } = options;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const bus = createMemoryEventBus();
  const history = createEmbeddedEventHistory({ dataDir, retentionDays: 0 });
  const consumer = await bus.consume('history', async (events) => {
    if (consumerLagMs > 0) await new Promise((r) => setTimeout(r, consumerLagMs));
    await history.append(events);
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const relay = createRelay({ bus, history, ...options.deps(origin) });
  server.on('upgrade', (req, socket, head) => relay.handleUpgrade(req, socket, head));
  return {
    url: `ws://127.0.0.1:${port}/events`,
    origin,
    relay,
    bus,
    history,
    async stop() {
      await relay.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await consumer.close();
      await bus.close();
      await history.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
