import { z } from 'zod';
import { ruleIdSchema } from '../../lib/alerts/schemas.ts';

export const deleteAlertRuleInput = z.object({ id: ruleIdSchema }).strict();
