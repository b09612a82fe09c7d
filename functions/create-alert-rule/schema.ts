import { z } from 'zod';
import { alertKindSchema, alertMatchSchema } from '../../lib/alerts/schemas.ts';

export const createAlertRuleInput = z.object({
  name: z.string().trim().min(1).max(100),
  on: z.array(alertKindSchema).min(1).max(5),
  match: alertMatchSchema.optional(),
  webhook: z.object({
    url: z.string().min(1).max(2048),
    /** Signs every delivery; generated (and shown once) when absent. */
    secret: z.string().min(16, 'at least 16 characters').max(256).optional(),
  }).strict(),
}).strict();
