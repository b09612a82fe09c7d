/**
 * The AttemptStore contract suite: every adapter's test file calls it with a factory. The last cases run the
 * login throttle itself on the store: a parallel burst gets no more tries than the limits.
 */
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AttemptStore } from './attempt-store.ts';
import { createLoginThrottle } from './login-throttle.ts';

const record = (n: number, at = 1_000, expiresAt = Date.now() + 60_000) => ({ n, at, expiresAt });

/** `factory` returns an empty store each time, and `second` another store on the same data (another replica). */
export function attemptStoreContract(name: string, factory: () => Promise<AttemptStore & { second: () => Promise<AttemptStore> }>) {
  type Opened = AttemptStore & { second: () => Promise<AttemptStore> };
  const test = suite<{ store: Opened }>(`AttemptStore contract: ${name}`, {} as { store: Opened });
  test.before.each(async (ctx) => {
    ctx.store = await factory();
  });
  test.after.each(async (ctx) => {
    await ctx.store.close();
  });

  test('should add numbered records once and list them by number', async ({ store }) => {
    assert.equal(await store.list('k'), []);
    assert.is(await store.add('k', record(2, 20)), true);
    assert.is(await store.add('k', record(1, 10)), true);
    assert.is(await store.add('k', record(1, 99)), false);
    assert.is(await store.add('other', record(1)), true);
    assert.equal((await store.list('k')).map((r) => [r.n, r.at]), [[1, 10], [2, 20]]);
  });

  test('should remove one record or every record of a key', async ({ store }) => {
    for (const n of [1, 2, 3]) await store.add('k', record(n));
    await store.add('j', record(1));
    await store.remove('k', 2);
    assert.equal((await store.list('k')).map((r) => r.n), [1, 3]);
    await store.remove('k');
    assert.equal(await store.list('k'), []);
    assert.equal((await store.list('j')).map((r) => r.n), [1]);
  });

  test('should let exactly one of many parallel adders, across two stores, take a number', async ({ store }) => {
    const other = await store.second();
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).add('race', record(1))));
      assert.is(results.filter(Boolean).length, 1);
    } finally {
      await other.close();
    }
  });

  test('should give a parallel burst of 300 wrong logins for one account from 300 clients no more tries than its budget, across two replicas', async ({ store }) => {
    const other = await store.second();
    const secret = new Uint8Array(randomBytes(32));
    // Every try from another address (a botnet): the account's budget, set to 50 here, is what binds.
    const limits = { accountFailures: 50 };
    const replicas = [createLoginThrottle({ store, secret, limits }), createLoginThrottle({ store: other, secret, limits })];
    try {
      let tries = 0;
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, async (_, i) => {
          const check = await replicas[i % 2]!.reserve({ username: 'admin', client: `198.51.100.${i}` });
          tries++;
          check.failed();
        }),
      );
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code);
      assert.ok(refused.every((c) => c === 'rate_limited'), String(refused.find((c) => c !== 'rate_limited')));
      assert.ok(tries <= 50, `${tries} tries against a budget of 50`);
      assert.ok(tries >= 40, `only ${tries} tries: the budget should be nearly used`);
      console.log(`    [${name}] parallel burst of 300 wrong logins from 300 clients, account budget 50: ${tries} tries`);
    } finally {
      await other.close();
    }
  });

  test('should give a parallel burst of 300 wrong logins for one account and client only the free tries (default limits)', async ({ store }) => {
    const throttle = createLoginThrottle({ store, secret: new Uint8Array(randomBytes(32)) });
    let tries = 0;
    await Promise.allSettled(
      Array.from({ length: 300 }, async () => {
        (await throttle.reserve({ username: 'admin', client: '192.0.2.1' })).failed();
        tries++;
      }),
    );
    assert.ok(tries >= 1 && tries <= 5, `${tries} tries, 5 free`);
    console.log(`    [${name}] parallel burst of 300 wrong logins from one client, default limits: ${tries} tries`);
  });

  return test;
}
