import { z } from 'zod';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { reachOf, filterFor } from '../../lib/permissions.ts';
import { serviceSummarySchema } from '../../lib/swarm/schemas.ts';

/**
 * list-services: from live state kept current by the event stream (lib/swarm/live-services.ts), else one
 * `GET /services?status=true`; an unchanged list answers 304 to If-None-Match.
 */
export const listServices = defineFunction({
  name: 'list-services',
  summary: 'List services with running/desired replicas',
  permission: 'services.read',
  scoped: true,
  readOnly: true,
  input: null,
  output: z.object({ services: z.array(serviceSummarySchema) }),
  async handler({ c, principal }, deps) {
    const { services, etag, body } = await deps.services.read();
    // A scoped caller sees only what a scope matches; the shared ETag names the whole list, so it is not sent then.
    if (reachOf(principal, 'services.read') !== 'all') {
      const visible = filterFor(principal, 'services.read');
      return { services: services.filter((s) => visible({ name: s.name, labels: s.labels })) };
    }
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    // The list's body was serialised once when the list changed; the same bytes as returning `{ services }`.
    return c.body(body, 200, { 'Content-Type': 'application/json' });
  },
});
