import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { createAlertRule } from './function.ts';

type Ctx = { deps: TestDeps; admin: string };
const test = suite<Ctx>('create-alert-rule', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.admin = (await ctx.deps.addUser('admin', ALL_PERMISSIONS)).authorization;
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, authorization?: string) => mountFunction(createAlertRule, deps).request('/', post(body, authorization ? { authorization } : {}));
const valid = { name: 'shop failures', on: ['task.failed', 'service.rollback'], match: { stack: 'shop' }, webhook: { url: 'https://93.184.216.34/hook', secret: 'a-secret-of-16-chars' } };

test('should create a rule with 201, store it with its secret, and never answer or audit the secret', async ({ deps, admin }) => {
  const res = await ask(deps, valid, admin);
  assert.is(res.status, 201);
  const rule = await res.json();
  assert.equal({ ...rule, id: 'x', createdAt: 'x' }, { id: 'x', name: 'shop failures', on: ['task.failed', 'service.rollback'], match: { stack: 'shop' }, webhook: { url: valid.webhook.url }, createdAt: 'x', createdBy: 'admin' });
  assert.equal((await deps.alerts.getRule(rule.id))!.webhook, valid.webhook);
  const audit = deps.published.find((e) => e.action === 'alert_rule.create')!;
  assert.is(audit.actor.attributes['target'], `alert_rule:${rule.id}`);
  assert.not.match(JSON.stringify(audit), valid.webhook.secret);
});

test('should generate a secret when none is given, and show it in this answer only', async ({ deps, admin }) => {
  const res = await ask(deps, { ...valid, webhook: { url: valid.webhook.url } }, admin);
  assert.is(res.status, 201);
  const rule = await res.json();
  assert.match(rule.webhook.secret, /^[A-Za-z0-9_-]{43}$/);
  assert.is((await deps.alerts.getRule(rule.id))!.webhook.secret, rule.webhook.secret);
});

test('should refuse loopback, private and link-local webhook targets with 400, storing nothing', async ({ deps, admin }) => {
  for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost/hook', 'http://10.0.0.8/', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://[::ffff:192.168.0.1]/']) {
    const res = await ask(deps, { ...valid, webhook: { url } }, admin);
    assert.is(res.status, 400, url);
    const { error } = await res.json();
    assert.is(error.code, 'validation_failed');
    assert.equal(error.details.map((d: { field: string }) => d.field), ['webhook.url']);
  }
  assert.equal(await deps.alerts.listRules(), []);
});

test('should take a private target when ALERT_WEBHOOK_ALLOW_PRIVATE is set', async () => {
  const deps = await createTestDeps({ webhooks: { allowPrivate: true } });
  try {
    const admin = (await deps.addUser('admin', ALL_PERMISSIONS)).authorization;
    const res = await ask(deps, { ...valid, webhook: { url: 'http://127.0.0.1:9000/hook' } }, admin);
    assert.is(res.status, 201);
  } finally {
    await deps.cleanup();
  }
});

test('should refuse bad input with validation_failed', async ({ deps, admin }) => {
  for (const body of [{}, { ...valid, on: [] }, { ...valid, on: ['task.started'] }, { ...valid, name: '' }, { ...valid, match: { team: 'x' } },
    { ...valid, match: { stack: 'a b' } }, { ...valid, webhook: { url: 'ftp://93.184.216.34/' } }, { ...valid, webhook: { url: valid.webhook.url, secret: 'short' } },
    { ...valid, webhook: { url: 'not a url' } }, { ...valid, extra: 1 }]) {
    const res = await ask(deps, body, admin);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(await deps.alerts.listRules(), []);
});

test('should need alerts.write', async ({ deps }) => {
  const reader = await deps.addUser('reader', ['alerts.read']);
  const res = await ask(deps, valid, reader.authorization);
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.is((await ask(deps, valid)).status, 401);
  assert.equal(await deps.alerts.listRules(), []);
});

test.run();
