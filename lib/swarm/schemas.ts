/** Input pieces shared by the service and node functions. */
import { z } from 'zod';
import { integer } from '../http/input.ts';

/** A service or node id, or a service name. */
export const objectIdSchema = z.string().min(1).max(128).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'an id or a name');

/** Engine version index, from inspect. */
export const versionSchema = integer(0, Number.MAX_SAFE_INTEGER);

// The answers' shapes, for the OpenAPI document (the Swarm port's types say the same to the compiler).
const labels = z.record(z.string(), z.string());

export const portSummarySchema = z.object({
  published: z.number().int().nullable(),
  target: z.number().int(),
  protocol: z.enum(['tcp', 'udp', 'sctp']),
  mode: z.enum(['ingress', 'host']),
});

export const serviceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  mode: z.enum(['replicated', 'global']),
  replicas: z.object({ desired: z.number().int(), running: z.number().int() }),
  ports: z.array(portSummarySchema),
  labels,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  updateStatus: z.object({ state: z.string(), message: z.string() }).optional(),
});

export const taskSchema = z.object({
  id: z.string(),
  slot: z.number().int().nullable(),
  nodeId: z.string().nullable(),
  serviceId: z.string(),
  state: z.string(),
  desiredState: z.string(),
  message: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Docker's ServiceSpec, PascalCase, as the engine returns it. */
const dockerSpecSchema = z.record(z.string(), z.unknown());

export const serviceDetailSchema = z.object({
  service: serviceSummarySchema.extend({ spec: dockerSpecSchema, previousSpec: dockerSpecSchema.optional() }),
  tasks: z.array(taskSchema),
});

export const nodeSummarySchema = z.object({
  id: z.string(),
  hostname: z.string(),
  role: z.enum(['manager', 'worker']),
  availability: z.enum(['active', 'pause', 'drain']),
  state: z.string(),
  leader: z.boolean(),
  addr: z.string(),
  engineVersion: z.string(),
  labels,
  version: z.number().int(),
});

export const logLineSchema = z.object({
  time: z.string(),
  taskId: z.string(),
  nodeId: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
});

/** What every service write answers. */
export const serviceVersionSchema = z.object({ id: z.string(), version: z.number().int() });
