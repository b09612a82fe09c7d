import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { parseTimeBound } from '../../lib/events/docker-event.ts';
import { holdsFor, reachOf } from '../../lib/permissions.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { linesOf, logFormatFor, logLinesResponse } from '../../lib/http/log-lines.ts';
import { logLineSchema } from '../../lib/swarm/schemas.ts';
import type { LogLine } from '../../lib/swarm/swarm.ts';
import { serviceLogsInput } from './schema.ts';

/** A follow ends this long after the clock passes `until`, for lines still on their way. */
const UNTIL_GRACE_MS = 1000;
/** setTimeout's longest delay; an `until` further away is simply never reached by the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * service-logs: a service's recent lines; `since`/`until` take RFC 3339 or nanoseconds, as list-events does.
 * `follow: true` keeps the answer open (NDJSON) until the client goes away; `Accept: text/plain` gives the
 * plain text, for downloads; `filter` keeps lines containing a substring.
 */
export const serviceLogs = defineFunction({
  name: 'service-logs',
  summary: 'Log lines of a service, stdout and stderr; followed as NDJSON with follow: true',
  permission: 'services.read',
  scoped: true,
  readOnly: true,
  input: serviceLogsInput,
  output: z.object({ lines: z.array(logLineSchema) }),
  async handler({ input: { id, since, until, tail, follow, filter }, principal, c }, deps) {
    if (reachOf(principal, 'services.read') !== 'all') {
      // Outside the caller's scope a service is not found, as in inspect-service.
      const { service } = await deps.swarm.inspectService(id);
      if (!holdsFor(principal, 'services.read', service)) throw new AppError('not_found', `No service ${id}`);
    }
    const sinceNs = since === undefined ? undefined : parseTimeBound(since, 'since');
    const untilNs = until === undefined ? undefined : parseTimeBound(until, 'until');
    if (sinceNs !== undefined && untilNs !== undefined && sinceNs > untilNs) {
      throw new AppError('validation_failed', 'since is after until', { details: [{ field: 'since', message: 'after until' }] });
    }
    const options = {
      ...(sinceNs === undefined ? {} : { since: sinceNs }),
      ...(untilNs === undefined ? {} : { until: untilNs }),
      tail: tail ?? 200,
    };
    const wanted = logFormatFor(c.req.header('accept'));
    const untilMs = untilNs === undefined ? undefined : Number(untilNs / 1_000_000n);
    // A follow whose end has passed is a plain read: there is nothing left to wait for.
    if (!follow || (untilMs !== undefined && untilMs + UNTIL_GRACE_MS <= Date.now())) {
      const lines = (await deps.swarm.serviceLogs(id, options)).filter((line) => filter === undefined || line.text.includes(filter));
      if (wanted === 'text') return logLinesResponse(linesOf(lines), { format: 'text', download: id });
      if (follow) return logLinesResponse(linesOf(lines), { format: 'ndjson' });
      return { lines };
    }
    // Ends the engine request when the client goes away (the request's signal) or `until` has passed.
    const stop = new AbortController();
    const clientGone = c.req.raw.signal;
    const onGone = () => stop.abort(clientGone.reason);
    clientGone.addEventListener('abort', onGone, { once: true });
    const waitMs = untilMs === undefined ? undefined : untilMs + UNTIL_GRACE_MS - Date.now();
    const timer = waitMs !== undefined && waitMs <= MAX_TIMER_MS ? setTimeout(() => stop.abort(), waitMs) : undefined;
    const onClose = () => {
      clearTimeout(timer);
      clientGone.removeEventListener('abort', onGone);
      stop.abort();
    };
    let lines: AsyncIterable<LogLine>;
    try {
      lines = await deps.swarm.followServiceLogs(id, options, stop.signal);
    } catch (error) {
      onClose();
      throw error;
    }
    return logLinesResponse(lines, { format: wanted === 'text' ? 'text' : 'ndjson', ...(filter === undefined ? {} : { filter }), download: id, onClose });
  },
});
