import { eventBusContract } from '../event-bus.contract.ts';
import { createMemoryEventBus } from './memory.ts';

eventBusContract('memory', {
  async create() {
    const bus = createMemoryEventBus({ retryDelayMs: 10, onError: () => {} });
    // NOTE: one process, one bus: a "peer" is the same bus seen through a second handle that closes nothing.
    return { bus, peer: async () => ({ ...bus, close: async () => {} }) };
  },
  timeoutMs: 1000,
});
