import { z } from 'zod';
import { queryInteger } from '../../lib/http/input.ts';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';

export const serviceLogsInput = z.object({
  id: objectIdSchema,
  /** Unix seconds. */
  since: queryInteger(0, 32503680000).optional(),
  tail: queryInteger(1, 10_000).optional(),
}).strict();
