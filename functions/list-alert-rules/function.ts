import { summarizeRule } from '../../lib/alerts/alert.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listAlertRulesOutput } from './schema.ts';

/** list-alert-rules: oldest first, without the webhook secrets. */
export const listAlertRules = defineFunction({
  name: 'list-alert-rules',
  summary: 'List alert rules',
  permission: 'alerts.read',
  readOnly: true,
  input: null,
  output: listAlertRulesOutput,
  async handler(_call, deps) {
    return { rules: (await deps.alerts.listRules()).map(summarizeRule) };
  },
});
