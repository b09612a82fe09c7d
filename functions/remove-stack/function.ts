import { defineFunction } from '../../lib/http/function-definition.ts';
import { removeStack as remove } from '../../lib/stacks/stacks.ts';
import { removeStackInput } from './schema.ts';

/** remove-stack: every service judged first (all or nothing), then the stack's networks, secrets and configs. */
export const removeStack = defineFunction({
  name: 'remove-stack',
  summary: 'Remove a stack',
  permission: 'services.write',
  // The policy gate judges every service against the caller's services.write scope.
  scoped: true,
  readOnly: false,
  input: removeStackInput,
  output: null,
  audit: { action: 'stack.remove', target: 'stack' },
  async handler({ input, principal }, deps) {
    await remove(deps, principal, input.name);
  },
});
