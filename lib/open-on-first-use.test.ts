import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openOnFirstUse } from './open-on-first-use.ts';

interface Store {
  get(key: string): Promise<string>;
  close(): Promise<void>;
}

const Lazy = suite('openOnFirstUse');

Lazy('should open nothing until the first call, then open once for concurrent calls, and close what it opened', async () => {
  const log: string[] = [];
  const store = openOnFirstUse<Store>(async () => {
    log.push('open');
    return { get: async (key) => `value of ${key}`, close: async () => void log.push('close') };
  });
  assert.equal(await Promise.resolve(store).then(() => log), [], 'awaiting the store is not a call');
  assert.equal(await Promise.all([store.get('a'), store.get('b')]), ['value of a', 'value of b']);
  await store.close();
  assert.equal(log, ['open', 'close']);
});

Lazy('should retry the open on the next call after a failure, and close without opening', async () => {
  let tries = 0;
  const store = openOnFirstUse<Store>(async () => {
    tries++;
    if (tries === 1) throw new Error('no server');
    return { get: async () => 'ok', close: async () => {} };
  });
  await store.close();
  assert.is(tries, 0);
  try {
    await store.get('x');
    assert.unreachable('the first open fails');
  } catch (error) {
    assert.is((error as Error).message, 'no server');
  }
  assert.is(await store.get('x'), 'ok');
  assert.is(tries, 2);
});

Lazy.run();
