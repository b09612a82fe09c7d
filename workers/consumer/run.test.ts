import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryEventBus } from '../../lib/events/event-bus/memory.ts';
import type { Event } from '../../lib/events/event.ts';
import { testEvent, waitFor } from '../../lib/events/test-events.ts';
import { runConsumer } from './run.ts';

const consumer = suite('runConsumer');

consumer('should store every bus event, retrying a failed write before moving on', async () => {
  const bus = createMemoryEventBus({ retryDelayMs: 5, onError: () => {} });
  const stored: Event[] = [];
  let failures = 1;
  const history = {
    async append(events: Event[]) {
      if (failures-- > 0) throw new Error('store down');
      stored.push(...events);
    },
  };
  const errors: unknown[] = [];
  const controller = new AbortController();
  const done = runConsumer({ bus, history, signal: controller.signal, onError: (e) => errors.push(e) });
  await new Promise((r) => setTimeout(r, 10));
  const events = [testEvent(1n, 1), testEvent(2n, 2)];
  await bus.publish(events);
  await waitFor('the retry', () => stored.length === 2);
  assert.equal(stored, events);
  assert.is(errors.length, 1);
  controller.abort();
  await done;
  await bus.close();
});

consumer('should leave the group when stopped', async () => {
  const bus = createMemoryEventBus();
  const stored: Event[] = [];
  const controller = new AbortController();
  const done = runConsumer({ bus, history: { append: async (e) => void stored.push(...e) }, signal: controller.signal });
  await new Promise((r) => setTimeout(r, 10));
  controller.abort();
  await done;
  await bus.publish([testEvent(1n, 1)]);
  assert.is(stored.length, 0);
  await bus.close();
});

consumer.run();
