import { z } from 'zod';
import { queryInteger } from '../../lib/http/input.ts';

const timeBound = z.string().min(1).max(64).describe('RFC 3339 or a decimal nanosecond count');

export const listEventsInput = z.object({
  since: timeBound.optional(),
  until: timeBound.optional(),
  type: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(128).optional(),
  actor: z.string().min(1).max(256).optional(),
  limit: queryInteger(1, 1000).optional(),
  /** 'desc': newest first, and `next` leads to older events. */
  order: z.enum(['asc', 'desc']).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().min(1).max(1024).optional(),
}).strict();
