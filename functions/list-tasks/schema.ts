import { z } from 'zod';
import { queryInteger } from '../../lib/http/input.ts';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';

export const TASK_STATES = [
  'new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running',
  'complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned',
] as const;

export const listTasksInput = z.object({
  /** Service id or name. */
  service: objectIdSchema.optional(),
  node: objectIdSchema.optional(),
  state: z.enum(TASK_STATES).optional(),
  since: z.string().min(1).max(64).describe('RFC 3339 or a decimal nanosecond count; default seven days ago').optional(),
  limit: queryInteger(1, 1000).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().min(1).max(1024).optional(),
}).strict();
