import { AppError } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { deleteAlertRuleInput } from './schema.ts';

/** delete-alert-rule: its deliveries stay listed; one still being retried fails with "the rule was deleted". */
export const deleteAlertRule = defineFunction({
  name: 'delete-alert-rule',
  summary: 'Delete an alert rule',
  permission: 'alerts.write',
  readOnly: false,
  input: deleteAlertRuleInput,
  output: null,
  audit: { action: 'alert_rule.delete', target: 'alert_rule' },
  async handler({ input: { id } }, deps) {
    if (!(await deps.alerts.deleteRule(id))) throw new AppError('not_found', `No alert rule ${id}`);
  },
});
