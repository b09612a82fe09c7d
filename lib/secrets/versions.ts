/**
 * Versioned secrets and configs (contract 1.1, "Secrets and configs"). The engine's objects are immutable, so a
 * rotation makes a new one: users see `<name>`, the engine holds `<name>.v<N>`. An object without the suffix
 * (made outside the dashboard, e.g. `docker secret create`) is version 0 of its name. The same code serves
 * secrets and configs, through the port's methods of one kind.
 */
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/authenticator.ts';
import type { PolicyGate } from '../swarm/policy-gate.ts';
import type { DockerServiceSpec, ServiceSpecEntry, Swarm, SwarmObject } from '../swarm/swarm.ts';
import { enforceWriteScope } from '../swarm/policy-gate.ts';
import { enforceObjectCreate, enforceObjectWrite, objectTarget } from './scope.ts';

export type ObjectKind = 'secret' | 'config';

/** A name users see: letters, digits, `-` and `_` (no dots: the engine name adds `.v<N>`). */
export const OBJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,58}[A-Za-z0-9])?$/;

const VERSIONED = /^(.+)\.v(\d{1,9})$/;

/** `<name>.v<N>` → {name, version: N}; any other engine name is version 0 of itself. */
export function parseEngineName(engineName: string): { name: string; version: number } {
  const m = VERSIONED.exec(engineName);
  return m ? { name: m[1]!, version: Number(m[2]) } : { name: engineName, version: 0 };
}

export const engineName = (name: string, version: number): string => (version === 0 ? name : `${name}.v${version}`);

export interface VersionedObject extends SwarmObject {
  /** The name users see. */
  base: string;
  /** The dashboard's version (from the engine name), not the engine's Version.Index. */
  number: number;
}

/** Every version of `name`, oldest first. */
export function versionsOf(objects: readonly SwarmObject[], name: string): VersionedObject[] {
  return objects
    .map((o) => ({ ...o, base: parseEngineName(o.name).name, number: parseEngineName(o.name).version }))
    .filter((o) => o.base === name)
    .sort((a, b) => a.number - b.number);
}

/** The latest version of `name`, or undefined. */
export const latestOf = (objects: readonly SwarmObject[], name: string): VersionedObject | undefined => versionsOf(objects, name).at(-1);

export interface ObjectPort {
  list(): Promise<SwarmObject[]>;
  create(o: { name: string; data: string; labels?: Record<string, string> }): Promise<{ id: string; name: string }>;
  remove(idOrName: string): Promise<void>;
}

export const objectPort = (swarm: Swarm, kind: ObjectKind): ObjectPort =>
  kind === 'secret'
    ? { list: () => swarm.listSecrets(), create: (o) => swarm.createSecret(o), remove: (id) => swarm.removeSecret(id) }
    : { list: () => swarm.listConfigs(), create: (o) => swarm.createConfig(o), remove: (id) => swarm.removeConfig(id) };

type Json = Record<string, unknown>;
const refsKey = (kind: ObjectKind) => (kind === 'secret' ? 'Secrets' : 'Configs');
const idKey = (kind: ObjectKind) => (kind === 'secret' ? 'SecretID' : 'ConfigID');
const nameKey = (kind: ObjectKind) => (kind === 'secret' ? 'SecretName' : 'ConfigName');

/** The references of a spec to secrets (or configs). */
export function referencesOf(spec: DockerServiceSpec, kind: ObjectKind): Json[] {
  const container = (spec as { TaskTemplate?: { ContainerSpec?: Json } }).TaskTemplate?.ContainerSpec;
  const refs = container?.[refsKey(kind)];
  return Array.isArray(refs) ? refs.filter((r): r is Json => typeof r === 'object' && r !== null) : [];
}

/** The services whose spec refers to any of `ids`. */
export function servicesUsing(services: readonly ServiceSpecEntry[], kind: ObjectKind, ids: ReadonlySet<string>): ServiceSpecEntry[] {
  return services.filter((s) => referencesOf(s.spec, kind).some((r) => ids.has(String(r[idKey(kind)]))));
}

/** The spec with every reference to `from` (by id) moved to `to`, at the same target. */
export function moveReferences(spec: DockerServiceSpec, kind: ObjectKind, from: ReadonlySet<string>, to: { id: string; name: string }): DockerServiceSpec {
  const copy = structuredClone(spec) as DockerServiceSpec & { TaskTemplate?: { ContainerSpec?: Json } };
  const container = copy.TaskTemplate?.ContainerSpec;
  const refs = container?.[refsKey(kind)];
  if (container && Array.isArray(refs)) {
    container[refsKey(kind)] = refs.map((r: Json) => (from.has(String(r[idKey(kind)])) ? { ...r, [idKey(kind)]: to.id, [nameKey(kind)]: to.name } : r));
  }
  return copy;
}

const notFound = (kind: ObjectKind, name: string) => new AppError('not_found', `No ${kind} named ${JSON.stringify(name)}`);

/**
 * Rotation: creates version N+1 of `name` with `data` (and the labels of version N), moves every service that
 * used an older version to it at the same target (each through the policy gate, as an update of that service),
 * then removes the old versions nothing uses any more. Answers the new version and the ids of the services moved.
 */
export async function rotate(
  deps: { swarm: Swarm; gate: PolicyGate },
  principal: Principal,
  kind: ObjectKind,
  name: string,
  data: string,
): Promise<{ name: string; version: number; services: string[] }> {
  const port = objectPort(deps.swarm, kind);
  const versions = versionsOf(await port.list(), name);
  const latest = versions.at(-1);
  if (!latest) throw notFound(kind, name);
  enforceObjectWrite(principal, kind, objectTarget(latest));
  const oldIds = new Set(versions.map((v) => v.id));
  const users = servicesUsing(await deps.swarm.listServiceSpecs(), kind, oldIds);
  // Judged before anything changes: a service the caller may not operate stops the rotation whole.
  const details = await Promise.all(users.map((u) => deps.swarm.inspectService(u.id)));
  // The caller must be able to write every service it moves; refused before the new version exists.
  for (const detail of details) enforceWriteScope(principal, detail.service.spec, detail);
  const version = latest.number + 1;
  const created = await port.create({ name: engineName(name, version), data, labels: latest.labels });
  const to = { id: created.id, name: created.name };
  const admitted = [];
  try {
    for (const detail of details) {
      const next = moveReferences(detail.service.spec, kind, oldIds, to);
      admitted.push({ detail, spec: await deps.gate.admitChange(principal, detail, next) });
    }
  } catch (error) {
    await port.remove(created.id).catch(() => {});
    throw error;
  }
  const moved: string[] = [];
  for (const { detail, spec } of admitted) {
    await deps.swarm.updateService(detail.service.id, detail.service.version, spec);
    moved.push(detail.service.id);
  }
  await removeUnused(deps.swarm, kind, versions);
  return { name, version, services: moved };
}

/** Removes those of `versions` no service refers to any more; an engine refusal (`in_use`) keeps the version. */
export async function removeUnused(swarm: Swarm, kind: ObjectKind, versions: readonly SwarmObject[]): Promise<string[]> {
  const port = objectPort(swarm, kind);
  const services = await swarm.listServiceSpecs();
  const removed: string[] = [];
  for (const v of versions) {
    if (servicesUsing(services, kind, new Set([v.id])).length > 0) continue;
    try {
      await port.remove(v.id);
      removed.push(v.name);
    } catch (error) {
      if (!(error instanceof AppError && (error.code === 'in_use' || error.code === 'not_found'))) throw error;
    }
  }
  return removed;
}

/**
 * Deletes every version of `name`; `in_use` (409) names the services while any refers to one. The caller's
 * write scope must match the latest version.
 */
export async function deleteObject(swarm: Swarm, principal: Pick<Principal, 'permissions'>, kind: ObjectKind, name: string): Promise<void> {
  const port = objectPort(swarm, kind);
  const versions = versionsOf(await port.list(), name);
  if (versions.length === 0) throw notFound(kind, name);
  enforceObjectWrite(principal, kind, objectTarget(versions.at(-1)!));
  const users = servicesUsing(await swarm.listServiceSpecs(), kind, new Set(versions.map((v) => v.id)));
  if (users.length > 0) {
    throw new AppError('in_use', `The ${kind} ${name} is in use by ${users.map((u) => u.name).join(', ')}`, { details: { services: users.map((u) => u.name) } });
  }
  for (const v of versions) await port.remove(v.id);
}

export interface ObjectListing {
  id: string;
  name: string;
  version: number;
  labels: Record<string, string>;
  createdAt: string;
  services: string[];
}

/** One entry per name users see (its latest version), with the services that use any of its versions. */
export function listing(objects: readonly SwarmObject[], services: readonly ServiceSpecEntry[], kind: ObjectKind): ObjectListing[] {
  const names = [...new Set(objects.map((o) => parseEngineName(o.name).name))].sort();
  return names.map((name) => {
    const versions = versionsOf(objects, name);
    const latest = versions.at(-1)!;
    const users = servicesUsing(services, kind, new Set(versions.map((v) => v.id)));
    return { id: latest.id, name, version: latest.number, labels: latest.labels, createdAt: latest.createdAt, services: users.map((u) => u.name).sort() };
  });
}

/**
 * Version 1 of a new name (`<name>.v1`); `object_exists` when any version of it exists. The caller's write
 * scope must match the new object (judged first, so a scoped caller learns nothing of names outside it).
 */
export async function createObject(swarm: Swarm, principal: Pick<Principal, 'permissions'>, kind: ObjectKind, input: { name: string; data: string; labels?: Record<string, string> }): Promise<{ id: string; name: string; version: 1 }> {
  enforceObjectCreate(principal, kind, { name: input.name, labels: input.labels ?? {} });
  const port = objectPort(swarm, kind);
  if (versionsOf(await port.list(), input.name).length > 0) throw new AppError('object_exists', `A ${kind} named ${input.name} exists; rotate it instead`);
  const created = await port.create({ name: engineName(input.name, 1), data: input.data, labels: input.labels ?? {} });
  return { id: created.id, name: input.name, version: 1 };
}
