import { z } from 'zod';
import { objectFilter } from '../../lib/secrets/scope.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listing } from '../../lib/secrets/versions.ts';
import { secretListingSchema } from './schema.ts';

/** list-secrets: one entry per name (its latest version) and the services using any version; never data. */
export const listSecrets = defineFunction({
  name: 'list-secrets',
  summary: 'List secrets (metadata only) and the services that use them',
  permission: 'secrets.read',
  scoped: true,
  readOnly: true,
  input: null,
  output: z.object({ secrets: z.array(secretListingSchema) }),
  async handler({ principal }, deps) {
    const [all, services] = await Promise.all([deps.swarm.listSecrets(), deps.swarm.listServiceSpecs()]);
    // A scoped holder sees only what its scopes match (lib/secrets/scope.ts).
    const objects = all.filter(objectFilter(principal, 'secret', 'read'));
    return { secrets: listing(objects, services, 'secret') };
  },
});
