import { z } from 'zod';
import { integer } from '../../lib/http/input.ts';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';
import { MAX_REPLICAS } from '../../lib/swarm/service-input.ts';

export const scaleServiceInput = z.object({
  id: objectIdSchema,
  replicas: integer(0, MAX_REPLICAS),
}).strict();
