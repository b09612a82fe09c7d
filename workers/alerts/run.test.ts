import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testRule } from '../../lib/alerts/alert-store.contract.ts';
import type { AlertStore } from '../../lib/alerts/alert-store.ts';
import { createEmbeddedAlertStore } from '../../lib/alerts/alert-store/embedded.ts';
import { createWebhookClient } from '../../lib/alerts/webhook.ts';
import { fromDockerEvent } from '../../lib/events/docker-event.ts';
import { createMemoryEventBus } from '../../lib/events/event-bus/memory.ts';
import type { Event } from '../../lib/events/event.ts';
import { waitFor } from '../../lib/events/test-events.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.ts';
import { runAlertsWorker } from './run.ts';

let t = 0n;
/** A task container's die at the current time (strictly increasing). */
const die = (container: string, service: string, exitCode = '1', stack?: string): Event =>
  fromDockerEvent({
    Type: 'container', Action: 'die', scope: 'local', timeNano: String((t = [t + 1000n, BigInt(Date.now()) * 1_000_000n].reduce((a, b) => (a > b ? a : b)))),
    Actor: { ID: container, Attributes: { exitCode, 'com.docker.swarm.task.id': `task-${container}`, 'com.docker.swarm.service.name': service, 'com.docker.swarm.node.id': 'n1', ...(stack ? { 'com.docker.stack.namespace': stack } : {}) } },
  })!;

type Ctx = { dir: string; store: AlertStore; receiver: WebhookReceiver; controller: AbortController };
const worker = suite<Ctx>('runAlertsWorker', {} as Ctx);
worker.before.each(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'alerts-worker-'));
  ctx.store = createEmbeddedAlertStore({ dataDir: ctx.dir });
  ctx.receiver = await startWebhookReceiver();
  ctx.controller = new AbortController();
});
worker.after.each(async (ctx) => {
  ctx.controller.abort();
  await ctx.receiver.close();
  await ctx.store.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

const webhooks = () => createWebhookClient({ allowPrivate: true, backoffMs: 20, timeoutMs: 1000 });

worker('should deliver each matching event once per rule, and nothing for rules that do not match', async ({ store, receiver, controller }) => {
  const createdAt = new Date(Date.now() - 1000).toISOString();
  await store.createRule(testRule('shop', { on: ['task.failed'], match: { stack: 'shop' }, createdAt, webhook: { url: receiver.url, secret: 'shop-secret-123456' } }));
  await store.createRule(testRule('all', { on: ['task.failed'], match: {}, createdAt, webhook: { url: receiver.url, secret: 'all-secret-1234567' } }));
  await store.createRule(testRule('nodes', { on: ['node.down'], match: {}, createdAt, webhook: { url: receiver.url, secret: 'node-secret-123456' } }));
  const bus = createMemoryEventBus({ retryDelayMs: 5 });
  const done = runAlertsWorker({ bus, store, webhooks: webhooks(), signal: controller.signal, sweepMs: 50 });
  await new Promise((r) => setTimeout(r, 20));
  const events = [die('c1', 'shop_web', '1', 'shop'), die('c2', 'blog', '2'), die('c3', 'blog', '0')];
  await bus.publish(events);
  await bus.publish([events[0]!]); // the bus delivers at least once
  await waitFor('three deliveries', () => receiver.received.length >= 3);
  await new Promise((r) => setTimeout(r, 200));
  const bodies = receiver.received.map((r) => JSON.parse(r.body));
  assert.equal(bodies.map((b) => `${b.rule.id}:${b.event.service}`).sort(), ['all:blog', 'all:shop_web', 'shop:shop_web']);
  for (const r of receiver.received) assert.ok(receiver.verify(r, JSON.parse(r.body).rule.id === 'shop' ? 'shop-secret-123456' : 'all-secret-1234567'));
  const deliveries = await store.listDeliveries({ limit: 10 });
  assert.equal(deliveries.map((d) => d.status), ['delivered', 'delivered', 'delivered']);
  controller.abort();
  await done;
  await bus.close();
});

worker('should not fire a rule for events older than the rule', async ({ store, receiver, controller }) => {
  const old = die('c1', 'web');
  await store.createRule(testRule('r', { on: ['task.failed'], match: {}, createdAt: new Date(Date.now() + 1000).toISOString(), webhook: { url: receiver.url, secret: 'x-secret-12345678' } }));
  const bus = createMemoryEventBus();
  const done = runAlertsWorker({ bus, store, webhooks: webhooks(), signal: controller.signal });
  await new Promise((r) => setTimeout(r, 20));
  await bus.publish([old]);
  await new Promise((r) => setTimeout(r, 200));
  assert.is(receiver.received.length, 0);
  assert.equal(await store.listDeliveries({ limit: 10 }), []);
  controller.abort();
  await done;
  await bus.close();
});

worker('should take over a delivery left pending by a dead worker once its lease ended', async ({ store, receiver, controller }) => {
  const rule = testRule('r', { on: ['task.failed'], match: {}, createdAt: new Date(Date.now() - 1000).toISOString(), webhook: { url: receiver.url, secret: 'x-secret-12345678' } });
  await store.createRule(rule);
  const { deliveryId } = await import('../../lib/alerts/alert.ts');
  const event = die('c9', 'web');
  await store.claimDelivery({ id: deliveryId('r', event.id), ruleId: 'r', event: { id: event.id, kind: 'task.failed', time: event.time, detail: {} }, status: 'pending', attempts: 0, time: new Date().toISOString() }, 'dead-worker', Date.now() + 300);
  const bus = createMemoryEventBus();
  const done = runAlertsWorker({ bus, store, webhooks: webhooks(), signal: controller.signal, sweepMs: 50 });
  await new Promise((r) => setTimeout(r, 150));
  assert.is(receiver.received.length, 0, 'not while the lease runs');
  await waitFor('the takeover', () => receiver.received.length === 1, 3000);
  await bus.publish([event]); // the same event again: already claimed, no second delivery
  await new Promise((r) => setTimeout(r, 200));
  assert.is(receiver.received.length, 1);
  assert.is((await store.listDeliveries({ limit: 1 }))[0]!.status, 'delivered');
  controller.abort();
  await done;
  await bus.close();
});

worker('should retry a batch whose claims the store refused, then deliver', async ({ store, receiver, controller }) => {
  await store.createRule(testRule('r', { on: ['task.failed'], match: {}, createdAt: new Date(Date.now() - 1000).toISOString(), webhook: { url: receiver.url, secret: 'x-secret-12345678' } }));
  let failures = 2;
  const flaky: AlertStore = { ...store, claimDelivery: async (...args) => {
    if (failures-- > 0) throw new Error('store down');
    return store.claimDelivery(...args);
  } };
  const errors: unknown[] = [];
  const bus = createMemoryEventBus({ retryDelayMs: 5, onError: () => {} });
  const done = runAlertsWorker({ bus, store: flaky, webhooks: webhooks(), signal: controller.signal, onError: (e) => errors.push(e) });
  await new Promise((r) => setTimeout(r, 20));
  await bus.publish([die('c1', 'web')]);
  await waitFor('the delivery', () => receiver.received.length === 1, 3000);
  assert.is(errors.length, 2);
  controller.abort();
  await done;
  await bus.close();
});

worker.run();
