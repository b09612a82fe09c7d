import { z } from 'zod';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';
import { MAX_REPLICAS } from '../../lib/swarm/service-input.ts';

export const scaleServiceInput = z.object({
  id: objectIdSchema,
  replicas: z.coerce.number().int().min(0).max(MAX_REPLICAS),
}).strict();
