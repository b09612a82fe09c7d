import type { Deps } from '../../lib/deps.ts';
import { AppError } from '../../lib/errors.ts';
import { parseTimeBound } from '../../lib/events/docker-event.ts';
import { authenticated } from '../../lib/http/auth.ts';
import { functionApp, READ_METHODS } from '../../lib/http/function-app.ts';
import { input } from '../../lib/http/input.ts';
import { listEventsInput } from './schema.ts';

/** list-events: stored Docker and audit events, ascending by time, a page at a time (`next` → `cursor`). */
export const listEvents = (deps: Deps) =>
  functionApp().on(READ_METHODS, '/', authenticated(deps, 'events.read'), input(listEventsInput), async (c) => {
    const { since, until, cursor, type, action, actor, limit } = c.var.input;
    const query = {
      ...(since === undefined ? {} : { since: parseTimeBound(since) }),
      ...(until === undefined ? {} : { until: parseTimeBound(until) }),
      ...(type === undefined ? {} : { type }),
      ...(action === undefined ? {} : { action }),
      ...(actor === undefined ? {} : { actor }),
      ...(cursor === undefined ? {} : { cursor }),
      limit: limit ?? 100,
    };
    if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
      throw new AppError('validation_failed', 'since is after until', { details: [{ field: 'since', message: 'after until' }] });
    }
    const page = await deps.history.range(query);
    return c.json(page.next ? { events: page.events, next: page.next } : { events: page.events });
  });
