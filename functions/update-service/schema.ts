import { objectIdSchema, versionSchema } from '../../lib/swarm/schemas.ts';
import { refineServiceInput, serviceInputObject } from '../../lib/swarm/service-input.ts';

export const updateServiceInput = serviceInputObject
  .partial()
  .extend({ id: objectIdSchema, version: versionSchema })
  .superRefine(refineServiceInput);
