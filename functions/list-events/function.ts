import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { parseTimeBound } from '../../lib/events/docker-event.ts';
import { directoryOf, eventFilterFor, rangeVisible } from '../../lib/events/event-scope.ts';
import { eventSchema } from '../../lib/events/schemas.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listEventsInput } from './schema.ts';

/**
 * list-events: stored Docker and audit events by time, oldest first or (`order: 'desc'`) newest first, a page at a
 * time (`next` → `cursor`). A holder of only scoped `events.read` gets the events its scopes match.
 */
export const listEvents = defineFunction({
  name: 'list-events',
  summary: 'Stored Docker and audit events, oldest or newest first',
  permission: 'events.read',
  scoped: true,
  readOnly: true,
  input: listEventsInput,
  output: z.object({ events: z.array(eventSchema), next: z.string().optional() }),
  async handler({ input: { since, until, cursor, type, action, actor, limit, order }, principal }, deps) {
    const query = {
      ...(since === undefined ? {} : { since: parseTimeBound(since, 'since') }),
      ...(until === undefined ? {} : { until: parseTimeBound(until, 'until') }),
      ...(type === undefined ? {} : { type }),
      ...(action === undefined ? {} : { action }),
      ...(actor === undefined ? {} : { actor }),
      ...(cursor === undefined ? {} : { cursor }),
      ...(order === undefined ? {} : { order }),
      limit: limit ?? 100,
    };
    if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
      throw new AppError('validation_failed', 'since is after until', { details: [{ field: 'since', message: 'after until' }] });
    }
    // A scoped holder sees only events about what its scopes match (lib/events/event-scope.ts).
    let directory: ReturnType<typeof directoryOf> | undefined;
    const visible = eventFilterFor(principal, () => directory!);
    if (visible) directory = directoryOf((await deps.services.read()).services);
    const page = visible ? await rangeVisible(deps.history, query, visible) : await deps.history.range(query);
    return page.next ? { events: page.events, next: page.next } : { events: page.events };
  },
});
