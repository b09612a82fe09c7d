import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventBus } from '../lib/events/event-bus.ts';
import type { EventHistory } from '../lib/events/event-history.ts';
import { createRelay } from './relay.ts';
import type { RelayDeps } from './relay.ts';

const bus: EventBus = { publish: async () => {}, subscribe: async () => ({ close: async () => {} }) };
const history: EventHistory = { append: async () => {}, range: async () => ({ events: [] }), close: async () => {} };
const deps = (): RelayDeps => ({
  bus,
  history,
  authenticate: async () => ({ username: 'u', permissions: ['events.read'] }),
  tokenFromCookie: () => undefined,
  isAllowedOrigin: () => true,
});

const Construction = suite('createRelay');

Construction('should refuse missing or malformed dependencies at construction', () => {
  for (const name of ['bus', 'history', 'authenticate', 'tokenFromCookie', 'isAllowedOrigin'] as const) {
    const d = deps() as unknown as Record<string, unknown>;
    delete d[name];
    assert.throws(() => createRelay(d as unknown as RelayDeps), new RegExp(name), name);
  }
  assert.throws(() => createRelay({ ...deps(), pingIntervalMs: 0 }), /pingIntervalMs/);
  assert.throws(() => createRelay({ ...deps(), maxBufferedBytes: Number.NaN }), /maxBufferedBytes/);
  assert.throws(() => createRelay({ ...deps(), settleMs: -1 }), /settleMs/);
});

Construction('should build with defaults and close without clients', async () => {
  const relay = createRelay(deps());
  assert.is(relay.size, 0);
  await relay.close();
});

Construction.run();
