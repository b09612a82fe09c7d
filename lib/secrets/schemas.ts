/** Inputs and answers of the secret and config functions. */
import { z } from 'zod';
import { isReservedLabel } from '../swarm/spec-policy.ts';
import { OBJECT_NAME } from './versions.ts';

// The engine's limit for one secret or config is 500 KiB of data; base64 makes it 4/3 of that.
const MAX_DATA_CHARS = Math.ceil((500 * 1024) / 3) * 4;

export const objectNameSchema = z.string().regex(OBJECT_NAME, 'letters, digits, "-" and "_", at most 60');
export const base64DataSchema = z
  .string()
  .max(MAX_DATA_CHARS, 'at most 500 KiB of data')
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64');
const labelsSchema = z
  .record(z.string().min(1).max(255).regex(/^[A-Za-z0-9](?:[A-Za-z0-9._/:-]*[A-Za-z0-9])?$/), z.string().max(4096))
  .refine((l) => Object.keys(l).length <= 50, 'at most 50 labels')
  .refine((l) => !Object.keys(l).some(isReservedLabel), 'com.docker.*, com.openfaas.*, dashboard.* and function are reserved');

export const nameInput = z.strictObject({ name: objectNameSchema });
export const createObjectInput = z.strictObject({ name: objectNameSchema, data: base64DataSchema, labels: labelsSchema.optional() });
export const rotateObjectInput = z.strictObject({ name: objectNameSchema, data: base64DataSchema });

export const objectListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  labels: z.record(z.string(), z.string()),
  createdAt: z.string(),
  services: z.array(z.string()),
});
export const createdObjectSchema = z.object({ id: z.string(), name: z.string(), version: z.literal(1) });
export const rotatedSchema = z.object({ name: z.string(), version: z.number().int(), services: z.array(z.string()) });
