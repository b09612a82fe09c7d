import { z } from 'zod';
import { deliverySchema } from '../../lib/alerts/schemas.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listAlertDeliveriesInput } from './schema.ts';

/** list-alert-deliveries: newest first, all rules or one (`rule`), `limit` 1–1000 (default 100). */
export const listAlertDeliveries = defineFunction({
  name: 'list-alert-deliveries',
  summary: 'List alert deliveries, newest first',
  permission: 'alerts.read',
  readOnly: true,
  input: listAlertDeliveriesInput,
  output: z.object({ deliveries: z.array(deliverySchema) }),
  async handler({ input: { rule, limit } }, deps) {
    return { deliveries: await deps.alerts.listDeliveries({ ...(rule === undefined ? {} : { ruleId: rule }), limit: limit ?? 100 }) };
  },
});
