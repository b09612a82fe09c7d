import { z } from 'zod';
import { ruleIdSchema } from '../../lib/alerts/schemas.ts';
import { queryInteger } from '../../lib/http/input.ts';

export const listAlertDeliveriesInput = z.object({
  rule: ruleIdSchema.optional(),
  limit: queryInteger(1, 1000).optional(),
}).strict();
