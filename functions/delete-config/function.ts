import { defineFunction } from '../../lib/http/function-definition.ts';
import { deleteObject } from '../../lib/secrets/versions.ts';
import { deleteConfigInput } from './schema.ts';

/** delete-config: every version; 409 `in_use` (naming the services) while a service refers to one. */
export const deleteConfig = defineFunction({
  name: 'delete-config',
  summary: 'Delete a config (every version); 409 in_use while a service uses it',
  permission: 'configs.write',
  scoped: true,
  readOnly: false,
  input: deleteConfigInput,
  output: null,
  audit: { action: 'config.delete', target: 'config' },
  async handler({ input, principal }, deps) {
    await deleteObject(deps.swarm, principal, 'config', input.name);
  },
});
