import { defineFunction } from '../../lib/http/function-definition.ts';
import { createdObjectSchema } from '../../lib/secrets/schemas.ts';
import { createObject } from '../../lib/secrets/versions.ts';
import { createSecretInput } from './schema.ts';

/** create-secret: the engine object is `<name>.v1`; the audit keeps the name and labels, never the data. */
export const createSecret = defineFunction({
  name: 'create-secret',
  summary: 'Create a secret (version 1)',
  permission: 'secrets.write',
  scoped: true,
  readOnly: false,
  input: createSecretInput,
  output: createdObjectSchema,
  status: 201,
  audit: { action: 'secret.create', target: 'secret' },
  async handler({ input, principal, audit }, deps) {
    audit({ targetId: input.name, after: { name: input.name, labels: input.labels ?? {} } });
    return createObject(deps.swarm, principal, 'secret', input);
  },
});
