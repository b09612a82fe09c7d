import { z } from 'zod';
import { objectFilter } from '../../lib/secrets/scope.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listing } from '../../lib/secrets/versions.ts';
import { COMPOSE_RECORD_LABEL } from '../../lib/stacks/stacks.ts';
import { configListingSchema } from './schema.ts';

/** list-configs: one entry per name (its latest version) and the services using any version; the stacks' own records of their files are left out; never data. */
export const listConfigs = defineFunction({
  name: 'list-configs',
  summary: 'List configs (metadata only) and the services that use them',
  permission: 'configs.read',
  scoped: true,
  readOnly: true,
  input: null,
  output: z.object({ configs: z.array(configListingSchema) }),
  async handler({ principal }, deps) {
    const [all, services] = await Promise.all([deps.swarm.listConfigs(), deps.swarm.listServiceSpecs()]);
    // A scoped holder sees only what its scopes match (lib/secrets/scope.ts).
    const objects = all.filter(objectFilter(principal, 'config', 'read'));
    return { configs: listing(objects.filter((c) => c.labels[COMPOSE_RECORD_LABEL] !== 'true'), services, 'config') };
  },
});
