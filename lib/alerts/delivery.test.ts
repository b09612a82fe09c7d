import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.ts';
import { testDelivery, testRule } from './alert-store.contract.ts';
import type { AlertStore } from './alert-store.ts';
import { createEmbeddedAlertStore } from './alert-store/embedded.ts';
import { backoffAfter, sendDelivery, webhookBody } from './delivery.ts';
import { createWebhookClient } from './webhook.ts';

type Ctx = { dir: string; store: AlertStore; receiver: WebhookReceiver };
const send = suite<Ctx>('sendDelivery', {} as Ctx);
send.before.each(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'delivery-'));
  ctx.store = createEmbeddedAlertStore({ dataDir: ctx.dir });
  ctx.receiver = await startWebhookReceiver();
});
send.after.each(async (ctx) => {
  await ctx.receiver.close();
  await ctx.store.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

const setup = async (store: AlertStore, url: string) => {
  const rule = testRule('r1', { webhook: { url, secret: 'the-secret' } });
  await store.createRule(rule);
  const delivery = testDelivery('r1', 'e1');
  assert.ok(await store.claimDelivery(delivery, 'w1', Date.now() + 60_000));
  return { rule, delivery };
};

send('should retry 500s with doubling delays, then deliver once, signed, recording every attempt', async ({ store, receiver }) => {
  receiver.answers.push(500, 503);
  const { rule, delivery } = await setup(store, receiver.url);
  const webhooks = createWebhookClient({ allowPrivate: true, attempts: 5, backoffMs: 100 });
  const done = await sendDelivery({ store, webhooks, owner: 'w1' }, delivery, rule);
  assert.is(done.status, 'delivered');
  assert.is(done.attempts, 3);
  assert.equal(await store.listDeliveries({ limit: 5 }), [{ ...delivery, status: 'delivered', attempts: 3, responseStatus: 204 }]);
  const got = receiver.received;
  assert.is(got.length, 3);
  const gaps = [got[1]!.at - got[0]!.at, got[2]!.at - got[1]!.at];
  assert.ok(gaps[0]! >= 95 && gaps[1]! >= 195 && gaps[1]! > gaps[0]!, `gaps ${gaps}`);
  for (const r of got) {
    assert.ok(receiver.verify(r, 'the-secret'));
    assert.is(r.body, webhookBody(delivery, rule, delivery.event));
    assert.is(r.headers['x-dashboard-delivery'], delivery.id);
    assert.is(r.headers['x-dashboard-event'], 'task.failed');
  }
  assert.equal(JSON.parse(got[0]!.body), { delivery: delivery.id, rule: { id: 'r1', name: 'rule r1' }, event: delivery.event });
});

send('should give up after the last attempt, keeping the last error', async ({ store, receiver }) => {
  receiver.answers.push(500, 500, 500, 500);
  const { rule, delivery } = await setup(store, receiver.url);
  const webhooks = createWebhookClient({ allowPrivate: true, attempts: 3, backoffMs: 10 });
  const done = await sendDelivery({ store, webhooks, owner: 'w1' }, delivery, rule);
  assert.equal([done.status, done.attempts, done.lastError], ['failed', 3, 'HTTP 500']);
  assert.is(receiver.received.length, 3);
  assert.equal((await store.listDeliveries({ limit: 1 }))[0], { ...delivery, status: 'failed', attempts: 3, lastError: 'HTTP 500', responseStatus: 500 });
});

send('should not retry a 4xx, nor a target refused at send time', async ({ store, receiver }) => {
  receiver.answers.push(410);
  const { rule, delivery } = await setup(store, receiver.url);
  let done = await sendDelivery({ store, webhooks: createWebhookClient({ allowPrivate: true, backoffMs: 10 }), owner: 'w1' }, delivery, rule);
  assert.equal([done.status, done.attempts, done.lastError], ['failed', 1, 'HTTP 410']);
  const second = testDelivery('r1', 'e2');
  await store.claimDelivery(second, 'w1', Date.now() + 60_000);
  done = await sendDelivery({ store, webhooks: createWebhookClient({ backoffMs: 10 }), owner: 'w1' }, second, rule);
  assert.is(done.status, 'failed');
  assert.match(done.lastError!, /^refused: .*loopback, private or link-local/);
  assert.is(receiver.received.length, 1);
});

send('should fail the delivery of a deleted rule without sending', async ({ store, receiver }) => {
  const { delivery } = await setup(store, receiver.url);
  const done = await sendDelivery({ store, webhooks: createWebhookClient({ allowPrivate: true }), owner: 'w1' }, delivery, null);
  assert.equal([done.status, done.lastError], ['failed', 'the rule was deleted']);
  assert.is(receiver.received.length, 0);
});

send('should stop when another worker took the delivery over', async ({ store, receiver }) => {
  receiver.answers.push(500);
  const { rule, delivery } = await setup(store, receiver.url);
  await store.takeExpired('w2', Date.now() + 120_000, Date.now() + 200_000, 10);
  const done = await sendDelivery({ store, webhooks: createWebhookClient({ allowPrivate: true, backoffMs: 10 }), owner: 'w1' }, delivery, rule);
  assert.is(done.status, 'pending');
  assert.is(receiver.received.length, 1, 'the attempt under way went out; none after');
});

send('should end its lease when stopped between attempts, so another worker takes over at once', async ({ store, receiver }) => {
  receiver.answers.push(500);
  const { rule, delivery } = await setup(store, receiver.url);
  const controller = new AbortController();
  const sending = sendDelivery({ store, webhooks: createWebhookClient({ allowPrivate: true, backoffMs: 60_000 }), owner: 'w1', signal: controller.signal }, delivery, rule);
  while (receiver.received.length === 0) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  controller.abort();
  const done = await sending;
  assert.equal([done.status, done.attempts], ['pending', 1]);
  assert.equal((await store.takeExpired('w2', Date.now(), Date.now() + 10_000, 10)).map((d) => d.attempts), [1]);
});

send('should double the backoff up to five minutes', () => {
  assert.equal([1, 2, 3, 4].map((n) => backoffAfter(n, 1000)), [1000, 2000, 4000, 8000]);
  assert.is(backoffAfter(30, 1000), 300_000);
});

send.run();
