/** The contract's Event, for the OpenAPI document (./event.ts says the same to the compiler). */
import { z } from 'zod';

export const eventSchema = z.object({
  id: z.string(),
  time: z.string(),
  timeNano: z.string().describe('a decimal string'),
  type: z.string(),
  action: z.string(),
  actor: z.object({ id: z.string(), attributes: z.record(z.string(), z.string()) }),
  scope: z.enum(['local', 'swarm', 'audit']),
  node: z.string().optional(),
});
