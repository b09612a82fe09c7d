import { createSignal } from 'solid-js';
import type { AlertKind, AlertMatch, AlertRuleSummary, Delivery } from '../../../lib/alerts/alert.ts';
import type { AppContext } from '../context.ts';

export type AlertsStore = ReturnType<typeof createAlertsStore>;

export interface NewAlertRule {
  name: string;
  on: AlertKind[];
  match: AlertMatch;
  webhook: { url: string; secret?: string };
}

/**
 * Alert rules and their deliveries (contract 1.1, "Alerts"), through the one API module's `call`. A secret the
 * server generated is kept only until the page shows it (`revealed`), as the server shows it only once.
 */
export const createAlertsStore = (ctx: AppContext) => {
  const [rules, setRules] = createSignal<AlertRuleSummary[]>([]);
  const [deliveries, setDeliveries] = createSignal<Delivery[]>([]);
  const [ruleFilter, setRuleFilter] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [revealed, setRevealed] = createSignal<{ ruleId: string; secret: string } | null>(null);

  const loadDeliveries = async () => {
    const rule = ruleFilter();
    const { deliveries: list } = await ctx.api.call<{ deliveries: Delivery[] }>('list-alert-deliveries', { ...(rule ? { rule } : {}), limit: 200 });
    setDeliveries(list);
  };

  const load = async () => {
    try {
      const { rules: list } = await ctx.api.call<{ rules: AlertRuleSummary[] }>('list-alert-rules', {});
      setRules(list);
      await loadDeliveries();
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  };

  return {
    rules,
    deliveries,
    loaded,
    error,
    /** The rule id whose test or delete is under way. */
    busy,
    revealed,
    ruleFilter,
    load,
    dismissSecret: () => setRevealed(null),
    /** Shows only the deliveries of `ruleId` (null: all). */
    async filter(ruleId: string | null) {
      setRuleFilter(ruleId);
      try {
        await loadDeliveries();
      } catch (e) {
        setError(e);
      }
    },
    /** Creates the rule and toasts; throws the API's error for the form to show. */
    async create(input: NewAlertRule) {
      const rule = await ctx.api.call<AlertRuleSummary & { webhook: { secret?: string } }>('create-alert-rule', input, { quiet: true });
      const { secret, ...webhook } = rule.webhook;
      setRules((list) => [...list, { ...rule, webhook }]);
      if (secret) setRevealed({ ruleId: rule.id, secret });
      ctx.toasts.success(`Alert rule ${rule.name} created.`);
      return rule;
    },
    async remove(rule: AlertRuleSummary) {
      setBusy(rule.id);
      try {
        await ctx.api.call<void>('delete-alert-rule', { id: rule.id }, { quiet: true });
        setRules((list) => list.filter((r) => r.id !== rule.id));
        if (ruleFilter() === rule.id) setRuleFilter(null);
        ctx.toasts.success(`Alert rule ${rule.name} deleted.`);
      } catch (e) {
        setError(e);
      } finally {
        setBusy(null);
      }
    },
    /** Sends a test delivery; it joins the list, and the toast says how it went. */
    async test(rule: AlertRuleSummary) {
      setBusy(rule.id);
      try {
        const { delivery } = await ctx.api.call<{ delivery: Delivery }>('test-alert-rule', { id: rule.id }, { quiet: true });
        if (ruleFilter() === null || ruleFilter() === rule.id) setDeliveries((list) => [delivery, ...list]);
        if (delivery.status === 'delivered') ctx.toasts.success(`Test delivery to ${rule.name} accepted.`);
        else setError(new Error(`The test delivery failed: ${delivery.lastError ?? delivery.status}`));
      } catch (e) {
        setError(e);
      } finally {
        setBusy(null);
      }
    },
  };
};
