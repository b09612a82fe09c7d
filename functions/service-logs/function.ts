import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { parseTimeBound } from '../../lib/events/docker-event.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { logLineSchema } from '../../lib/swarm/schemas.ts';
import { serviceLogsInput } from './schema.ts';

/** service-logs: a service's recent lines; `since`/`until` take RFC 3339 or nanoseconds, as list-events does. */
export const serviceLogs = defineFunction({
  name: 'service-logs',
  summary: 'Recent log lines of a service, stdout and stderr',
  permission: 'services.read',
  readOnly: true,
  input: serviceLogsInput,
  output: z.object({ lines: z.array(logLineSchema) }),
  async handler({ input: { id, since, until, tail } }, deps) {
    const sinceNs = since === undefined ? undefined : parseTimeBound(since, 'since');
    const untilNs = until === undefined ? undefined : parseTimeBound(until, 'until');
    if (sinceNs !== undefined && untilNs !== undefined && sinceNs > untilNs) {
      throw new AppError('validation_failed', 'since is after until', { details: [{ field: 'since', message: 'after until' }] });
    }
    return {
      lines: await deps.swarm.serviceLogs(id, {
        ...(sinceNs === undefined ? {} : { since: sinceNs }),
        ...(untilNs === undefined ? {} : { until: untilNs }),
        tail: tail ?? 200,
      }),
    };
  },
});
