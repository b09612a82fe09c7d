/**
 * Environment values are where services keep passwords and keys, so only those who may change a service see
 * them (contract 1.1: `inspect-service` shows the names with the values replaced by "(hidden)").
 */
import type { DockerServiceSpec, ServiceDetail } from './swarm.ts';

/** What replaces a value that the reader may not see. */
export const HIDDEN = '(hidden)';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `NAME=value` → `NAME=(hidden)`; an entry without `=` (a name the engine passes through) has no value to hide. */
export const hideEnvEntry = (entry: unknown): unknown => {
  if (typeof entry !== 'string') return HIDDEN;
  const at = entry.indexOf('=');
  return at < 0 ? entry : `${entry.slice(0, at)}=${HIDDEN}`;
};

/** The spec with every ContainerSpec.Env value hidden; the spec given is not modified. */
export function hideSpecEnvironment(spec: DockerServiceSpec): DockerServiceSpec {
  const task = isRecord(spec.TaskTemplate) ? spec.TaskTemplate : undefined;
  const container = task && isRecord(task.ContainerSpec) ? task.ContainerSpec : undefined;
  if (!container || container.Env === undefined) return spec;
  const env = Array.isArray(container.Env) ? container.Env.map(hideEnvEntry) : HIDDEN;
  return { ...spec, TaskTemplate: { ...task, ContainerSpec: { ...container, Env: env } } };
}

/** A service detail as a reader who may not write the service sees it: its spec and previous spec without env values. */
export function hideEnvironment(detail: ServiceDetail): ServiceDetail {
  const { spec, previousSpec, ...service } = detail.service;
  return {
    ...detail,
    service: { ...service, spec: hideSpecEnvironment(spec), ...(previousSpec ? { previousSpec: hideSpecEnvironment(previousSpec) } : {}) },
  };
}
