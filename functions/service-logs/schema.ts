import { z } from 'zod';
import { queryInteger } from '../../lib/http/input.ts';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';

const timeBound = z.string().min(1).max(64).describe('RFC 3339 or a decimal nanosecond count');

export const serviceLogsInput = z.object({
  id: objectIdSchema,
  since: timeBound.optional(),
  until: timeBound.optional(),
  tail: queryInteger(1, 10_000).optional(),
}).strict();
