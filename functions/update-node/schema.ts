import { z } from 'zod';
import { objectIdSchema, versionSchema } from '../../lib/swarm/schemas.ts';

const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._/:-]*[A-Za-z0-9])?$/;

export const updateNodeInput = z.object({
  id: objectIdSchema,
  version: versionSchema,
  availability: z.enum(['active', 'pause', 'drain']).optional(),
  role: z.enum(['manager', 'worker']).optional(),
  labels: z.record(z.string().min(1).max(255).regex(LABEL_KEY), z.string().max(4096)).optional(),
}).strict();
