/**
 * The secret and config functions, written once for both kinds: the engine gives the two the same shape and
 * ./versions.ts the same versioning, so create-secret and create-config (list, rotate, delete alike) differ only
 * in their name, permission, audit action and answer key. Each function folder still exports its own
 * definition (`export const createSecret = createObjectFunction('secret')`), which the registry reads. All four are
 * scoped: a holder of a scoped permission reaches only the objects its scopes match (./scope.ts).
 */
import { z } from 'zod';
import { defineFunction } from '../http/function-definition.ts';
import type { SwarmObject } from '../swarm/swarm.ts';
import { createdObjectSchema, createObjectInput, nameInput, objectListingSchema, rotatedSchema, rotateObjectInput } from './schemas.ts';
import { objectFilter } from './scope.ts';
import { createObject, deleteObject, listing, rotate, type ObjectKind } from './versions.ts';

const plural = <K extends ObjectKind>(kind: K) => `${kind}s` as const;
const write = <K extends ObjectKind>(kind: K) => `${plural(kind)}.write` as const;

/** create-<kind>: the engine object is `<name>.v1`; the audit keeps the name and labels, never the data. */
export const createObjectFunction = <K extends ObjectKind>(kind: K) =>
  defineFunction({
    name: `create-${kind}`,
    summary: `Create a ${kind} (version 1)`,
    permission: write(kind),
    scoped: true,
    readOnly: false,
    input: createObjectInput,
    output: createdObjectSchema,
    status: 201,
    audit: { action: `${kind}.create`, target: kind },
    async handler({ input, principal, audit }, deps) {
      audit({ targetId: input.name, after: { name: input.name, labels: input.labels ?? {} } });
      return createObject(deps.swarm, principal, kind, input);
    },
  });

/**
 * list-<kind>s: one entry per name (its latest version) and the services using any version; never data. `hidden`
 * leaves out objects the dashboard keeps for itself (list-configs: the stacks' records of their Compose files).
 */
export const listObjectsFunction = <K extends ObjectKind>(kind: K, hidden: (o: SwarmObject) => boolean = () => false) => {
  type Listed = { [P in `${K}s`]: z.ZodArray<typeof objectListingSchema> };
  return defineFunction({
    name: `list-${plural(kind)}`,
    summary: `List ${plural(kind)} (metadata only) and the services that use them`,
    permission: `${plural(kind)}.read` as const,
    scoped: true,
    readOnly: true,
    input: null,
    output: z.object({ [plural(kind)]: z.array(objectListingSchema) } as Listed),
    async handler({ principal }, deps) {
      const [objects, services] = await Promise.all([
        kind === 'secret' ? deps.swarm.listSecrets() : deps.swarm.listConfigs(),
        deps.swarm.listServiceSpecs(),
      ]);
      // A scoped holder sees only what its scopes match (./scope.ts).
      const visible = objects.filter(objectFilter(principal, kind, 'read'));
      return { [plural(kind)]: listing(visible.filter((o) => !hidden(o)), services, kind) } as z.input<z.ZodObject<Listed>>;
    },
  });
};

/**
 * rotate-<kind>: the next version `<name>.v<N+1>`, every service that used an older one moved to it at the
 * same target (each judged by the policy gate as an update of that service), the old versions removed once unused.
 */
export const rotateObjectFunction = <K extends ObjectKind>(kind: K) =>
  defineFunction({
    name: `rotate-${kind}`,
    summary: `Rotate a ${kind}: new version, services moved to it, old version removed`,
    permission: write(kind),
    scoped: true,
    readOnly: false,
    input: rotateObjectInput,
    output: rotatedSchema,
    audit: { action: `${kind}.rotate`, target: kind },
    async handler({ input, principal, audit }, deps) {
      const result = await rotate(deps, principal, kind, input.name, input.data);
      audit({ targetId: input.name, after: { version: result.version, services: result.services } });
      return result;
    },
  });

/** delete-<kind>: every version; 409 `in_use` (naming the services) while a service refers to one. */
export const deleteObjectFunction = <K extends ObjectKind>(kind: K) =>
  defineFunction({
    name: `delete-${kind}`,
    summary: `Delete a ${kind} (every version); 409 in_use while a service uses it`,
    permission: write(kind),
    scoped: true,
    readOnly: false,
    input: nameInput,
    output: null,
    audit: { action: `${kind}.delete`, target: kind },
    async handler({ input, principal }, deps) {
      await deleteObject(deps.swarm, principal, kind, input.name);
    },
  });
