import { defineFunction } from '../../lib/http/function-definition.ts';
import { deleteObject } from '../../lib/secrets/versions.ts';
import { deleteSecretInput } from './schema.ts';

/** delete-secret: every version; 409 `in_use` (naming the services) while a service refers to one. */
export const deleteSecret = defineFunction({
  name: 'delete-secret',
  summary: 'Delete a secret (every version); 409 in_use while a service uses it',
  permission: 'secrets.write',
  scoped: true,
  readOnly: false,
  input: deleteSecretInput,
  output: null,
  audit: { action: 'secret.delete', target: 'secret' },
  async handler({ input, principal }, deps) {
    await deleteObject(deps.swarm, principal, 'secret', input.name);
  },
});
