import { z } from 'zod';
import { objectIdSchema } from '../../lib/swarm/schemas.ts';

/** Shared by the functions that take only a service id or name. */
export const serviceRefInput = z.object({ id: objectIdSchema }).strict();
