import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listing } from '../../lib/secrets/versions.ts';
import { secretListingSchema } from './schema.ts';

/** list-secrets: one entry per name (its latest version) and the services using any version; never data. */
export const listSecrets = defineFunction({
  name: 'list-secrets',
  summary: 'List secrets (metadata only) and the services that use them',
  permission: 'secrets.read',
  readOnly: true,
  input: null,
  output: z.object({ secrets: z.array(secretListingSchema) }),
  async handler(_call, deps) {
    const [objects, services] = await Promise.all([deps.swarm.listSecrets(), deps.swarm.listServiceSpecs()]);
    return { secrets: listing(objects, services, 'secret') };
  },
});
