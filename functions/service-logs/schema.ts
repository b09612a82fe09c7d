import { z } from 'zod';
import { queryInteger } from '../../lib/http/input.ts';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';

const timeBound = z.string().min(1).max(64).describe('RFC 3339 or a decimal nanosecond count');

export const serviceLogsInput = z.object({
  id: objectIdSchema,
  since: timeBound.optional(),
  until: timeBound.optional(),
  tail: queryInteger(1, 10_000).optional(),
  /** Keep the answer open and send each new line (NDJSON, or plain text with `Accept: text/plain`). */
  follow: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  /** Only lines whose text contains this (case-sensitive). */
  filter: z.string().min(1).max(256).optional(),
}).strict();
