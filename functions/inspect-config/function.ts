import { z } from 'zod';
import { objectFilter } from '../../lib/secrets/scope.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { objectListingSchema } from '../../lib/secrets/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { latestOf, listing } from '../../lib/secrets/versions.ts';
import { inspectConfigInput } from './schema.ts';

/** inspect-config: the latest version's metadata and its data (base64): configs are not secret. */
export const inspectConfig = defineFunction({
  name: 'inspect-config',
  summary: 'A config with its data (base64)',
  permission: 'configs.read',
  scoped: true,
  readOnly: true,
  input: inspectConfigInput,
  output: objectListingSchema.extend({ data: z.string() }),
  async handler({ input, principal }, deps) {
    const [all, services] = await Promise.all([deps.swarm.listConfigs(), deps.swarm.listServiceSpecs()]);
    // Outside the caller's scope, a config is not found (lib/secrets/scope.ts).
    const configs = all.filter(objectFilter(principal, 'config', 'read'));
    const latest = latestOf(configs, input.name);
    const entry = listing(configs, services, 'config').find((c) => c.name === input.name);
    if (!latest || !entry) throw new AppError('not_found', `No config named ${input.name}`);
    return { ...entry, data: (await deps.swarm.inspectConfig(latest.id)).data };
  },
});
