import { defineFunction } from '../../lib/http/function-definition.ts';
import { deployStack as deploy } from '../../lib/stacks/stacks.ts';
import { deployStackInput, deployStackOutput } from './schema.ts';

/**
 * deploy-stack: the whole file is judged by the security policy before anything changes, then only what differs
 * is touched. The audit keeps the stack's name and the actions, never `env` (it may hold secrets).
 */
export const deployStack = defineFunction({
  name: 'deploy-stack',
  summary: 'Deploy a stack from a Compose file (all or nothing under the security policy)',
  permission: 'services.write',
  // The policy gate judges every service against the caller's services.write scope.
  scoped: true,
  readOnly: false,
  input: deployStackInput,
  output: deployStackOutput,
  audit: { action: 'stack.deploy', target: 'stack' },
  async handler({ input, principal, audit }, deps) {
    const rollouts: Array<{ service: string; name: string; version: number }> = [];
    const result = await deploy(deps, principal, input, (write) => rollouts.push(write));
    audit({ targetId: input.name, after: { services: result.services, prune: input.prune === true, dryRun: input.dryRun === true }, rollouts });
    return result;
  },
});
