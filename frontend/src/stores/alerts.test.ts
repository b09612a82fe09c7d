import { createRoot } from 'solid-js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AlertRuleSummary, Delivery } from '../../../lib/alerts/alert.ts';
import { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import { createAlertsStore } from './alerts.ts';

const rule = (id: string): AlertRuleSummary => ({ id, name: `rule ${id}`, on: ['task.failed'], match: {}, webhook: { url: 'https://h.example/x' }, createdAt: '2026-01-01T00:00:00Z', createdBy: 'admin' });
const delivery = (id: string, ruleId: string, status: Delivery['status'] = 'delivered'): Delivery => ({
  id, ruleId, status, attempts: 1, time: '2026-01-01T00:00:00Z', event: { id: `e-${id}`, kind: 'task.failed', time: '2026-01-01T00:00:00Z', detail: {} },
  ...(status === 'failed' ? { lastError: 'HTTP 500' } : {}),
});

/** A fake context over in-memory rules and deliveries, recording the calls (name and body) and toasts. */
const fakeContext = () => {
  const rules = [rule('a'), rule('b')];
  const deliveries = [delivery('d1', 'a'), delivery('d2', 'b')];
  const calls: Array<[string, unknown]> = [];
  const toasts: string[] = [];
  const ctx = {
    api: {
      call: async (name: string, body: Record<string, unknown>) => {
        calls.push([name, body]);
        if (name === 'list-alert-rules') return { rules: [...rules] };
        if (name === 'list-alert-deliveries') return { deliveries: deliveries.filter((d) => !body.rule || d.ruleId === body.rule) };
        if (name === 'create-alert-rule') return { ...rule('c'), name: body.name, webhook: { url: 'https://h.example/x', secret: 'generated-secret' } };
        if (name === 'delete-alert-rule') {
          if (!rules.some((r) => r.id === body.id)) throw new ApiError(404, 'not_found', 'gone');
          return undefined;
        }
        if (name === 'test-alert-rule') return { delivery: delivery('t1', String(body.id), body.id === 'b' ? 'failed' : 'delivered') };
        throw new Error(`unexpected ${name}`);
      },
    },
    toasts: { success: (m: string) => toasts.push(m) },
  } as unknown as AppContext;
  return { ctx, calls, toasts };
};

const test = suite('createAlertsStore');

test('should load the rules and every delivery, then filter deliveries by rule', async () => {
  const { ctx, calls } = fakeContext();
  const s = createRoot(() => createAlertsStore(ctx));
  await s.load();
  assert.equal(s.rules().map((r) => r.id), ['a', 'b']);
  assert.equal(s.deliveries().map((d) => d.id), ['d1', 'd2']);
  await s.filter('b');
  assert.equal(s.deliveries().map((d) => d.id), ['d2']);
  assert.equal(calls.at(-1), ['list-alert-deliveries', { rule: 'b', limit: 200 }]);
});

test('should keep a generated secret only for showing it once, never in the rule list', async () => {
  const { ctx, toasts } = fakeContext();
  const s = createRoot(() => createAlertsStore(ctx));
  await s.load();
  await s.create({ name: 'new', on: ['node.down'], match: {}, webhook: { url: 'https://h.example/x' } });
  assert.equal(s.revealed(), { ruleId: 'c', secret: 'generated-secret' });
  assert.equal(s.rules().at(-1)!.webhook, { url: 'https://h.example/x' });
  s.dismissSecret();
  assert.is(s.revealed(), null);
  assert.equal(toasts, ['Alert rule new created.']);
});

test('should delete a rule, and show the error when the server refuses', async () => {
  const { ctx } = fakeContext();
  const s = createRoot(() => createAlertsStore(ctx));
  await s.load();
  await s.remove(rule('a'));
  assert.equal(s.rules().map((r) => r.id), ['b']);
  await s.remove(rule('zzz'));
  assert.is((s.error() as ApiError).code, 'not_found');
});

test('should add a test delivery to the list and report a failed one as an error', async () => {
  const { ctx, toasts } = fakeContext();
  const s = createRoot(() => createAlertsStore(ctx));
  await s.load();
  await s.test(rule('a'));
  assert.is(s.deliveries()[0]!.id, 't1');
  assert.equal(toasts, ['Test delivery to rule a accepted.']);
  await s.test(rule('b'));
  assert.match(String(s.error()), /HTTP 500/);
});

test.run();
