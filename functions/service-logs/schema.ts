import { z } from 'zod';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';

export const serviceLogsInput = z.object({
  id: objectIdSchema,
  /** Unix seconds. */
  since: z.coerce.number().int().min(0).max(32503680000).optional(),
  tail: z.coerce.number().int().min(1).max(10_000).optional(),
}).strict();
