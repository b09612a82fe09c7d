import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { deliveryId, type Delivery } from '../../lib/alerts/alert.ts';
import { leaseFor, sendDelivery } from '../../lib/alerts/delivery.ts';
import { deliverySchema } from '../../lib/alerts/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { testAlertRuleInput } from './schema.ts';

/**
 * test-alert-rule: sends the rule's webhook a made-up event of its first kind (`detail.test` is "true"), once,
 * without retries, so the answer says at once whether the receiver takes it. Recorded with the deliveries.
 */
export const testAlertRule = defineFunction({
  name: 'test-alert-rule',
  summary: 'Send a test delivery to an alert rule\'s webhook',
  permission: 'alerts.write',
  readOnly: false,
  input: testAlertRuleInput,
  output: z.object({ delivery: deliverySchema }),
  audit: { action: 'alert_rule.test', target: 'alert_rule' },
  async handler({ input: { id }, audit }, deps) {
    const rule = await deps.alerts.getRule(id);
    if (!rule) throw new AppError('not_found', `No alert rule ${id}`);
    const now = deps.now();
    const eventId = `test-${randomUUID()}`;
    const delivery: Delivery = {
      id: deliveryId(rule.id, eventId),
      ruleId: rule.id,
      event: { id: eventId, kind: rule.on[0]!, time: now.toISOString(), detail: { test: 'true' } },
      status: 'pending',
      attempts: 0,
      time: now.toISOString(),
    };
    const owner = `test-${eventId}`;
    await deps.alerts.claimDelivery(delivery, owner, now.getTime() + leaseFor(deps.webhooks));
    const sent = await sendDelivery({ store: deps.alerts, webhooks: deps.webhooks, owner, attempts: 1 }, delivery, rule);
    audit({ after: { delivery: sent.id, status: sent.status } });
    return { delivery: sent };
  },
});
