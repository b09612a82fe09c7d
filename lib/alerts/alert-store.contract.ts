/**
 * The AlertStore contract suite: every adapter's test file calls it with a factory.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deliveryId, type AlertRule, type Delivery } from './alert.ts';
import type { AlertStore } from './alert-store.ts';

export const testRule = (id: string, over: Partial<AlertRule> = {}): AlertRule => ({
  id,
  name: `rule ${id}`,
  on: ['task.failed', 'node.down'],
  match: { stack: 'shop', service: 'shop_*' },
  webhook: { url: 'https://hooks.example.com/x', secret: 's3cret-s3cret' },
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin',
  ...over,
});

export const testDelivery = (ruleId: string, eventId: string, time = '2026-01-02T00:00:00.000Z'): Delivery => ({
  id: deliveryId(ruleId, eventId),
  ruleId,
  event: { id: eventId, kind: 'task.failed', time, service: 'shop_web', stack: 'shop', node: 'n1', detail: { exitCode: '1' } },
  status: 'pending',
  attempts: 0,
  time,
});

/** `factory` returns an empty store each time. */
export function alertStoreContract(name: string, factory: () => Promise<AlertStore>) {
  const test = suite<{ store: AlertStore }>(`AlertStore contract: ${name}`, {} as { store: AlertStore });
  test.before.each(async (ctx) => {
    ctx.store = await factory();
  });
  test.after.each(async (ctx) => {
    await ctx.store.close();
  });

  test('should create rules and read them back, oldest first, with their secret', async ({ store }) => {
    await store.createRule(testRule('b', { createdAt: '2026-01-02T00:00:00.000Z' }));
    await store.createRule(testRule('a', { match: {}, on: ['service.rollback'] }));
    assert.equal(await store.listRules(), [testRule('a', { match: {}, on: ['service.rollback'] }), testRule('b', { createdAt: '2026-01-02T00:00:00.000Z' })]);
    assert.equal(await store.getRule('b'), testRule('b', { createdAt: '2026-01-02T00:00:00.000Z' }));
    assert.is(await store.getRule('nope'), null);
  });

  test('should delete a rule and report whether it existed, keeping its deliveries', async ({ store }) => {
    await store.createRule(testRule('a'));
    await store.claimDelivery(testDelivery('a', 'e1'), 'w1', 1000);
    assert.is(await store.deleteRule('a'), true);
    assert.is(await store.deleteRule('a'), false);
    assert.equal(await store.listRules(), []);
    assert.is((await store.listDeliveries({ limit: 10 })).length, 1);
  });

  test('should claim a delivery once, whoever asks again', async ({ store }) => {
    const d = testDelivery('a', 'e1');
    assert.is(await store.claimDelivery(d, 'w1', 1000), true);
    assert.is(await store.claimDelivery(d, 'w1', 1000), false);
    assert.is(await store.claimDelivery({ ...d, time: '2030-01-01T00:00:00.000Z' }, 'w2', 1000), false);
    assert.equal(await store.listDeliveries({ limit: 10 }), [d]);
  });

  test('should give exactly one winner to concurrent claims of one delivery', async ({ store }) => {
    const d = testDelivery('a', 'race');
    const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => store.claimDelivery(d, `w${i}`, 1000)));
    assert.is(wins.filter(Boolean).length, 1);
    assert.is((await store.listDeliveries({ limit: 10 })).length, 1);
  });

  test('should record progress only for the owner of a pending delivery', async ({ store }) => {
    const d = testDelivery('a', 'e1');
    await store.claimDelivery(d, 'w1', 1000);
    assert.is(await store.recordDelivery(d.id, 'w2', { status: 'delivered', attempts: 1, leaseUntil: 0 }), false);
    assert.is(await store.recordDelivery(d.id, 'w1', { status: 'pending', attempts: 1, lastError: 'HTTP 500', responseStatus: 500, leaseUntil: 2000 }), true);
    let [got] = await store.listDeliveries({ limit: 1 });
    assert.equal(got, { ...d, attempts: 1, lastError: 'HTTP 500', responseStatus: 500 });
    assert.is(await store.recordDelivery(d.id, 'w1', { status: 'delivered', attempts: 2, responseStatus: 204, leaseUntil: 0 }), true);
    [got] = await store.listDeliveries({ limit: 1 });
    assert.equal(got, { ...d, status: 'delivered', attempts: 2, responseStatus: 204 });
    assert.is(await store.recordDelivery(d.id, 'w1', { status: 'failed', attempts: 3, leaseUntil: 0 }), false, 'a final status stays');
    assert.is(await store.recordDelivery('nope', 'w1', { status: 'failed', attempts: 3, leaseUntil: 0 }), false);
  });

  test('should hand over pending deliveries whose lease ended, once, and never final ones', async ({ store }) => {
    const live = testDelivery('a', 'live');
    const expired = testDelivery('a', 'expired');
    const done = testDelivery('a', 'done');
    await store.claimDelivery(live, 'w1', 5000);
    await store.claimDelivery(expired, 'w1', 1000);
    await store.claimDelivery(done, 'w1', 1000);
    await store.recordDelivery(done.id, 'w1', { status: 'delivered', attempts: 1, leaseUntil: 0 });
    const taken = await store.takeExpired('w2', 2000, 9000, 10);
    assert.equal(taken, [expired]);
    assert.equal(await store.takeExpired('w3', 2000, 9000, 10), [], 'leased to w2 now');
    assert.is(await store.recordDelivery(expired.id, 'w1', { status: 'delivered', attempts: 1, leaseUntil: 0 }), false, 'w1 lost it');
    assert.is(await store.recordDelivery(expired.id, 'w2', { status: 'delivered', attempts: 1, leaseUntil: 0 }), true);
    assert.equal((await store.takeExpired('w3', 10_000, 20_000, 10)).map((d) => d.id), [live.id]);
  });

  test('should take at most limit expired deliveries', async ({ store }) => {
    for (let i = 0; i < 5; i++) await store.claimDelivery(testDelivery('a', `e${i}`), 'w1', 1000);
    assert.is((await store.takeExpired('w2', 2000, 9000, 3)).length, 3);
    assert.is((await store.takeExpired('w2', 2000, 9000, 3)).length, 2);
  });

  test('should list deliveries newest first, by rule, up to limit', async ({ store }) => {
    await store.claimDelivery(testDelivery('a', 'e1', '2026-01-01T00:00:01.000Z'), 'w', 0);
    await store.claimDelivery(testDelivery('b', 'e1', '2026-01-01T00:00:02.000Z'), 'w', 0);
    await store.claimDelivery(testDelivery('a', 'e2', '2026-01-01T00:00:03.000Z'), 'w', 0);
    assert.equal((await store.listDeliveries({ limit: 10 })).map((d) => [d.ruleId, d.event.id]), [['a', 'e2'], ['b', 'e1'], ['a', 'e1']]);
    assert.equal((await store.listDeliveries({ ruleId: 'a', limit: 10 })).map((d) => d.event.id), ['e2', 'e1']);
    assert.equal((await store.listDeliveries({ limit: 2 })).map((d) => d.event.id), ['e2', 'e1']);
    assert.equal(await store.listDeliveries({ ruleId: 'zzz', limit: 10 }), []);
  });

  return test;
}
