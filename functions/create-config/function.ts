import { defineFunction } from '../../lib/http/function-definition.ts';
import { createdObjectSchema } from '../../lib/secrets/schemas.ts';
import { createObject } from '../../lib/secrets/versions.ts';
import { createConfigInput } from './schema.ts';

/** create-config: the engine object is `<name>.v1`; the audit keeps the name and labels, never the data. */
export const createConfig = defineFunction({
  name: 'create-config',
  summary: 'Create a config (version 1)',
  permission: 'configs.write',
  scoped: true,
  readOnly: false,
  input: createConfigInput,
  output: createdObjectSchema,
  status: 201,
  audit: { action: 'config.create', target: 'config' },
  async handler({ input, principal, audit }, deps) {
    audit({ targetId: input.name, after: { name: input.name, labels: input.labels ?? {} } });
    return createObject(deps.swarm, principal, 'config', input);
  },
});
