/** The alert functions' shared schemas: inputs reused by the SPA's forms, answers for the OpenAPI document. */
import { z } from 'zod';
import { ALERT_KINDS } from './alert.ts';

/** A stack, service or node name, or a pattern with `*`. */
const matchValue = z.string().min(1).max(255).regex(/^[A-Za-z0-9*._-]+$/, 'letters, digits, ".", "_", "-" and "*"');

export const alertKindSchema = z.enum(ALERT_KINDS);
export const alertMatchSchema = z.object({ stack: matchValue.optional(), service: matchValue.optional(), node: matchValue.optional() }).strict();
export const ruleIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'a rule id');

export const alertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  on: z.array(alertKindSchema),
  match: z.object({ stack: z.string().optional(), service: z.string().optional(), node: z.string().optional() }),
  webhook: z.object({ url: z.string(), secret: z.string().optional().describe('only in the answer of create-alert-rule, when generated') }),
  createdAt: z.string(),
  createdBy: z.string(),
});

export const alertEventSchema = z.object({
  id: z.string(),
  kind: alertKindSchema,
  time: z.string(),
  stack: z.string().optional(),
  service: z.string().optional(),
  node: z.string().optional(),
  nodeName: z.string().optional(),
  detail: z.record(z.string(), z.string()),
});

export const deliverySchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  event: alertEventSchema,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().optional(),
  time: z.string(),
  responseStatus: z.number().int().optional(),
});
