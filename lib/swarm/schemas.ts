/** Input pieces shared by the service and node functions. */
import { z } from 'zod';

/** A service or node id, or a service name. */
export const objectIdSchema = z.string().min(1).max(128).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'an id or a name');

/** Engine version index, from inspect. */
export const versionSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
