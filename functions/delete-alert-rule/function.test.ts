import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testRule } from '../../lib/alerts/alert-store.contract.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { deleteAlertRule } from './function.ts';

type Ctx = { deps: TestDeps; writer: string };
const test = suite<Ctx>('delete-alert-rule', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.writer = (await ctx.deps.addUser('writer', ['alerts.write'])).authorization;
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, authorization: string) => mountFunction(deleteAlertRule, deps).request('/', post(body, { authorization }));

test('should delete with 204, audit it, and 404 the second time', async ({ deps, writer }) => {
  await deps.alerts.createRule(testRule('r1'));
  assert.is((await ask(deps, { id: 'r1' }, writer)).status, 204);
  assert.equal(await deps.alerts.listRules(), []);
  const again = await ask(deps, { id: 'r1' }, writer);
  assert.is(again.status, 404);
  assert.is((await again.json()).error.code, 'not_found');
  assert.equal(deps.published.filter((e) => e.action === 'alert_rule.delete').map((e) => [e.actor.attributes['target'], e.actor.attributes['result']]), [
    ['alert_rule:r1', 'success'],
    ['alert_rule:r1', 'failure'],
  ]);
});

test('should refuse bad input and callers without alerts.write, keeping the rule', async ({ deps, writer }) => {
  await deps.alerts.createRule(testRule('r1'));
  for (const body of [{}, { id: '' }, { id: 'r/1' }, { id: 'r1', force: true }]) {
    const res = await ask(deps, body, writer);
    assert.is(res.status, 400, JSON.stringify(body));
  }
  const reader = await deps.addUser('reader', ['alerts.read']);
  assert.is((await ask(deps, { id: 'r1' }, reader.authorization)).status, 403);
  assert.is((await deps.alerts.listRules()).length, 1);
});

test.run();
