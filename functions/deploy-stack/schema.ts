import { z } from 'zod';
import { STACK_NAME } from '../../lib/stacks/mapping.ts';

export const stackNameSchema = z.string().regex(STACK_NAME, 'lower-case letters, digits, "-" and "_", at most 30');

export const deployStackInput = z.strictObject({
  name: stackNameSchema,
  /** The Compose file, YAML text. */
  compose: z.string().min(1).max(512 * 1024),
  env: z
    .record(z.string().min(1).max(256).regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(32768))
    .refine((e) => Object.keys(e).length <= 500, 'at most 500 variables')
    .optional(),
  prune: z.boolean().optional(),
  /** Judge and diff only; nothing changes (the SPA's preview). */
  dryRun: z.boolean().optional(),
});

export const deployStackOutput = z.object({
  name: z.string(),
  services: z.array(z.object({ name: z.string(), action: z.enum(['created', 'updated', 'unchanged', 'removed']) })),
});
