import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listing } from '../../lib/secrets/versions.ts';
import { COMPOSE_RECORD_LABEL } from '../../lib/stacks/stacks.ts';
import { configListingSchema } from './schema.ts';

/** list-configs: one entry per name (its latest version) and the services using any version; the stacks' own records of their files are left out; never data. */
export const listConfigs = defineFunction({
  name: 'list-configs',
  summary: 'List configs (metadata only) and the services that use them',
  permission: 'configs.read',
  readOnly: true,
  input: null,
  output: z.object({ configs: z.array(configListingSchema) }),
  async handler(_call, deps) {
    const [objects, services] = await Promise.all([deps.swarm.listConfigs(), deps.swarm.listServiceSpecs()]);
    return { configs: listing(objects.filter((c) => c.labels[COMPOSE_RECORD_LABEL] !== 'true'), services, 'config') };
  },
});
