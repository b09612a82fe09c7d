import { z } from 'zod';
import { objectIdSchema, versionSchema } from '../../lib/swarm/schemas.ts';
import { refineServiceInput, serviceInputObject } from '../../lib/swarm/service-input.ts';

/** The largest raw spec accepted, serialized: far above any real service, far below the 1 MiB body limit. */
export const MAX_RAW_SPEC_BYTES = 256 * 1024;

/**
 * A whole Docker ServiceSpec (PascalCase), as inspect-service shows it, which replaces the current one.
 * Its shape is the engine's to judge; the security policy judges it as any other resulting spec.
 */
export const rawServiceSpecSchema = z
  .record(z.string(), z.unknown())
  .refine((spec) => typeof spec['Name'] === 'string' && spec['Name'] !== '', { message: 'a ServiceSpec with its Name', path: ['Name'] })
  .refine((spec) => Buffer.byteLength(JSON.stringify(spec)) <= MAX_RAW_SPEC_BYTES, `at most ${MAX_RAW_SPEC_BYTES} bytes as JSON`);

const FIELDS = Object.keys(serviceInputObject.shape);

export const updateServiceInput = serviceInputObject
  .partial()
  .extend({ id: objectIdSchema, version: versionSchema, spec: rawServiceSpecSchema.optional() })
  .superRefine((value, ctx) => {
    refineServiceInput(value, ctx);
    if (value.spec === undefined) return;
    // NOTE: a raw spec replaces the whole spec, so a field beside it would be ambiguous: which one wins?
    for (const field of FIELDS.filter((f) => (value as Record<string, unknown>)[f] !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'not allowed together with spec' });
    }
  });
