import { randomBytes, randomUUID } from 'node:crypto';
import { summarizeRule, type AlertRule } from '../../lib/alerts/alert.ts';
import { alertRuleSchema } from '../../lib/alerts/schemas.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { createAlertRuleInput } from './schema.ts';

/**
 * create-alert-rule: the webhook URL must resolve to public addresses only (unless ALERT_WEBHOOK_ALLOW_PRIVATE),
 * checked now and again at every send. A secret left out is generated and shown in this answer only.
 */
export const createAlertRule = defineFunction({
  name: 'create-alert-rule',
  summary: 'Create an alert rule (a signed webhook for matching cluster events)',
  permission: 'alerts.write',
  readOnly: false,
  input: createAlertRuleInput,
  output: alertRuleSchema,
  status: 201,
  audit: { action: 'alert_rule.create', target: 'alert_rule' },
  async handler({ input, principal, audit }, deps) {
    await deps.webhooks.check(input.webhook.url);
    const generated = input.webhook.secret === undefined ? randomBytes(32).toString('base64url') : undefined;
    const rule: AlertRule = {
      id: randomUUID(),
      name: input.name,
      on: [...new Set(input.on)],
      match: input.match ?? {},
      webhook: { url: input.webhook.url, secret: input.webhook.secret ?? generated! },
      createdAt: deps.now().toISOString(),
      createdBy: principal.username,
    };
    await deps.alerts.createRule(rule);
    const summary = summarizeRule(rule);
    audit({ targetId: rule.id, after: summary });
    return generated ? { ...summary, webhook: { url: rule.webhook.url, secret: generated } } : summary;
  },
});
