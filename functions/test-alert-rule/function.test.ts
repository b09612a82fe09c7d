import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testRule } from '../../lib/alerts/alert-store.contract.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.ts';
import { testAlertRule } from './function.ts';

type Ctx = { deps: TestDeps; writer: string; receiver: WebhookReceiver };
const test = suite<Ctx>('test-alert-rule', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps({ webhooks: { allowPrivate: true, backoffMs: 10 } });
  ctx.writer = (await ctx.deps.addUser('writer', ['alerts.write'])).authorization;
  ctx.receiver = await startWebhookReceiver();
});
test.after.each(async ({ deps, receiver }) => {
  await receiver.close();
  await deps.cleanup();
});

const ask = (deps: TestDeps, body: unknown, authorization: string) => mountFunction(testAlertRule, deps).request('/', post(body, { authorization }));

test('should send one signed test delivery and answer it, recorded with the deliveries', async ({ deps, writer, receiver }) => {
  await deps.alerts.createRule(testRule('r1', { webhook: { url: receiver.url, secret: 'test-secret-123456' } }));
  const res = await ask(deps, { id: 'r1' }, writer);
  assert.is(res.status, 200);
  const { delivery } = await res.json();
  assert.equal([delivery.status, delivery.attempts, delivery.ruleId, delivery.event.kind, delivery.event.detail], ['delivered', 1, 'r1', 'task.failed', { test: 'true' }]);
  assert.is(receiver.received.length, 1);
  assert.ok(receiver.verify(receiver.received[0]!, 'test-secret-123456'));
  assert.equal(await deps.alerts.listDeliveries({ limit: 5 }), [delivery]);
});

test('should try once only, answering the failure', async ({ deps, writer, receiver }) => {
  receiver.answers.push(500, 500);
  await deps.alerts.createRule(testRule('r1', { webhook: { url: receiver.url, secret: 'test-secret-123456' } }));
  const { delivery } = await (await ask(deps, { id: 'r1' }, writer)).json();
  assert.equal([delivery.status, delivery.attempts, delivery.lastError, delivery.responseStatus], ['failed', 1, 'HTTP 500', 500]);
  assert.is(receiver.received.length, 1);
});

test('should refuse at send time a target that became private, without sending', async ({ receiver }) => {
  const deps = await createTestDeps();
  try {
    const writer = (await deps.addUser('writer', ['alerts.write'])).authorization;
    await deps.alerts.createRule(testRule('r1', { webhook: { url: receiver.url, secret: 'test-secret-123456' } }));
    const { delivery } = await (await ask(deps, { id: 'r1' }, writer)).json();
    assert.is(delivery.status, 'failed');
    assert.match(delivery.lastError, /^refused: /);
    assert.is(receiver.received.length, 0);
  } finally {
    await deps.cleanup();
  }
});

test('should answer 404 for an unknown rule and 403 without alerts.write', async ({ deps, writer }) => {
  const res = await ask(deps, { id: 'nope' }, writer);
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  const reader = await deps.addUser('reader', ['alerts.read']);
  assert.is((await ask(deps, { id: 'nope' }, reader.authorization)).status, 403);
});

test.run();
