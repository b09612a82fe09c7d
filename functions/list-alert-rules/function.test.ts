import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testRule } from '../../lib/alerts/alert-store.contract.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, type TestDeps } from '../../testing/deps.ts';
import { listAlertRules } from './function.ts';

type Ctx = { deps: TestDeps };
const test = suite<Ctx>('list-alert-rules', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
test.after.each(({ deps }) => deps.cleanup());

test('should list the rules oldest first without their secrets, on GET too', async ({ deps }) => {
  const { authorization } = await deps.addUser('reader', ['alerts.read']);
  await deps.alerts.createRule(testRule('b', { createdAt: '2026-01-02T00:00:00.000Z' }));
  await deps.alerts.createRule(testRule('a'));
  const res = await mountFunction(listAlertRules, deps).request('/', { headers: { authorization } });
  assert.is(res.status, 200);
  const { rules } = await res.json();
  assert.equal(rules.map((r: { id: string }) => r.id), ['a', 'b']);
  assert.equal(rules[0].webhook, { url: 'https://hooks.example.com/x' });
  assert.not.match(JSON.stringify(rules), 's3cret');
});

test('should need alerts.read', async ({ deps }) => {
  const { authorization } = await deps.addUser('other', ['services.read']);
  const res = await mountFunction(listAlertRules, deps).request('/', { headers: { authorization } });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
});

test.run();
