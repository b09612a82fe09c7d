import { z } from 'zod';
import { alertRuleSchema } from '../../lib/alerts/schemas.ts';

/** No input; the answer never carries a webhook secret. */
export const listAlertRulesOutput = z.object({ rules: z.array(alertRuleSchema) });
