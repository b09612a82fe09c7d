import { z } from 'zod';

export const stackSummarySchema = z.object({
  name: z.string(),
  services: z.number().int(),
  desired: z.number().int(),
  running: z.number().int(),
  updatedAt: z.string(),
});
