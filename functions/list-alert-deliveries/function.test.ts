import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testDelivery } from '../../lib/alerts/alert-store.contract.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { listAlertDeliveries } from './function.ts';

type Ctx = { deps: TestDeps; reader: string };
const test = suite<Ctx>('list-alert-deliveries', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  ctx.reader = (await ctx.deps.addUser('reader', ['alerts.read'])).authorization;
  await ctx.deps.alerts.claimDelivery(testDelivery('a', 'e1', '2026-01-01T00:00:01.000Z'), 'w', 0);
  await ctx.deps.alerts.claimDelivery(testDelivery('b', 'e1', '2026-01-01T00:00:02.000Z'), 'w', 0);
  await ctx.deps.alerts.claimDelivery(testDelivery('a', 'e2', '2026-01-01T00:00:03.000Z'), 'w', 0);
});
test.after.each(({ deps }) => deps.cleanup());

test('should list deliveries newest first, by rule and up to limit, on GET and POST', async ({ deps, reader }) => {
  const app = mountFunction(listAlertDeliveries, deps);
  const all = await (await app.request('/', { headers: { authorization: reader } })).json();
  assert.equal(all.deliveries.map((d: { ruleId: string; event: { id: string } }) => `${d.ruleId}/${d.event.id}`), ['a/e2', 'b/e1', 'a/e1']);
  assert.equal(Object.keys(all.deliveries[0]).sort(), ['attempts', 'event', 'id', 'ruleId', 'status', 'time']);
  const one = await (await app.request('/?rule=a&limit=1', { headers: { authorization: reader } })).json();
  assert.equal(one.deliveries.map((d: { event: { id: string } }) => d.event.id), ['e2']);
  const posted = await (await app.request('/', post({ rule: 'b' }, { authorization: reader }))).json();
  assert.equal(posted.deliveries.map((d: { ruleId: string }) => d.ruleId), ['b']);
});

test('should refuse a bad limit and callers without alerts.read', async ({ deps, reader }) => {
  const app = mountFunction(listAlertDeliveries, deps);
  for (const q of ['limit=0', 'limit=1001', 'limit=x', 'rule=a/b', 'other=1']) {
    const res = await app.request(`/?${q}`, { headers: { authorization: reader } });
    assert.is(res.status, 400, q);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  const other = await deps.addUser('other', ['events.read']);
  assert.is((await app.request('/', { headers: { authorization: other.authorization } })).status, 403);
});

test.run();
