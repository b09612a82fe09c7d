import { z } from 'zod';
import { ruleIdSchema } from '../../lib/alerts/schemas.ts';

export const testAlertRuleInput = z.object({ id: ruleIdSchema }).strict();
