/**
 * Scoped `secrets.*` and `configs.*` (contract 1.1, "Scoped permissions"): a secret or config is judged by the
 * name users see (`db-password`, not the engine's `db-password.v3`) and its labels, as a service is by its
 * name and labels. An object the caller may not read is "not found", so scopes do not reveal what exists.
 */
import type { Principal } from '../auth/authenticator.ts';
import { AppError } from '../errors.ts';
import { filterFor, holdsFor, type Permission, type ScopeTarget } from '../permissions.ts';
import type { SwarmObject } from '../swarm/swarm.ts';
import { parseEngineName, type ObjectKind } from './versions.ts';

export const permissionOf = (kind: ObjectKind, access: 'read' | 'write'): Permission => `${kind}s.${access}`;

/** An engine object as a scope target: its users' name and its labels. */
export const objectTarget = (o: Pick<SwarmObject, 'name' | 'labels'>): ScopeTarget => ({ name: parseEngineName(o.name).name, labels: o.labels });

/** Which engine objects of `kind` the caller may see (read) or change (write). */
export const objectFilter = (principal: Pick<Principal, 'permissions'>, kind: ObjectKind, access: 'read' | 'write') => {
  const matches = filterFor(principal, permissionOf(kind, access));
  return (o: Pick<SwarmObject, 'name' | 'labels'>) => matches(objectTarget(o));
};

/**
 * Throws unless the caller may change the existing object `target`: not_found when it may not even read it,
 * forbidden when it may read but not write it.
 */
export function enforceObjectWrite(principal: Pick<Principal, 'permissions'>, kind: ObjectKind, target: ScopeTarget): void {
  if (holdsFor(principal, permissionOf(kind, 'write'), target)) return;
  if (!holdsFor(principal, permissionOf(kind, 'read'), target)) throw new AppError('not_found', `No ${kind} named ${target.name}`);
  throw new AppError('forbidden', `The ${kind} ${target.name} is outside your ${permissionOf(kind, 'write')} scope`);
}

/** Throws forbidden unless the caller may create an object named and labelled so. */
export function enforceObjectCreate(principal: Pick<Principal, 'permissions'>, kind: ObjectKind, target: ScopeTarget): void {
  if (!holdsFor(principal, permissionOf(kind, 'write'), target)) {
    throw new AppError('forbidden', `A ${kind} named ${target.name} would be outside your ${permissionOf(kind, 'write')} scope`, { details: { name: target.name } });
  }
}
