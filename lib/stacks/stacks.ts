/**
 * Stacks (contract 1.1, "Stacks (compose files)"): deploy, list, inspect and remove, over the Swarm port and
 * the policy gate. A stack is the services labelled `com.docker.stack.namespace=<name>`, as with
 * `docker stack deploy`, so stacks deployed either way show alike.
 *
 * deploy: parse and validate the file, map it, read what runs, then judge EVERY part for the caller (each
 * service through the gate, networks too, the services a prune removes) before anything changes: one refusal
 * answers 403 with the violations of every service and nothing is created. Then only what differs is touched.
 */
import { AppError, isAppError } from '../errors.ts';
import type { Principal } from '../auth/authenticator.ts';
import { filterFor, holdsAny, reachOf } from '../permissions.ts';
import { objectFilter } from '../secrets/scope.ts';
import { latestOf, parseEngineName, engineName as versionedName, versionsOf, removeUnused } from '../secrets/versions.ts';
import { STACK_LABEL, type AdmittedNetwork, type AdmittedService, type AdmittedSpec, type PolicyGate, type StackPlan } from '../swarm/policy-gate.ts';
import type { DockerServiceSpec, ServiceDetail, ServiceSummary, Swarm, SwarmObject } from '../swarm/swarm.ts';
import { parseComposeFile, withoutSecretData } from './compose-file.ts';
import { mapComposeFile, type ObjectRef, type StackPlanFile, type StackSecretSource } from './mapping.ts';

/** On the config that keeps the last deployed file of a stack (`dashboard-stack-<name>.v<N>`). */
export const COMPOSE_RECORD_LABEL = 'dashboard.stack.compose';

export type StackAction = 'created' | 'updated' | 'unchanged' | 'removed';

export interface DeployRequest {
  name: string;
  compose: string;
  env?: Record<string, string>;
  prune?: boolean;
  /** Judge and diff only: the answer says what a deploy would do, nothing changes. */
  dryRun?: boolean;
}

export interface DeployResult {
  name: string;
  services: Array<{ name: string; action: StackAction }>;
}

type Deps = { swarm: Swarm; gate: PolicyGate };
type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const stackFilter = (name: string) => `${STACK_LABEL}=${name}`;
const recordName = (stack: string) => `dashboard-stack-${stack}`;

/**
 * A spec as the engine keeps it, reduced to what a deploy sets: Go zero values and the defaults the engine fills
 * in are dropped, so an unchanged file compares equal to what runs.
 */
export function comparableSpec(spec: unknown): unknown {
  const strip = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) {
      const items = v.map((x, i) => strip(x, `${path}[${i}]`));
      return items.length === 0 ? undefined : items;
    }
    if (isRecord(v)) {
      const out: Json = {};
      for (const key of Object.keys(v).sort()) {
        const p = path === '' ? key : `${path}.${key}`;
        if (DEFAULTS.get(p) === v[key] || p === 'TaskTemplate.ForceUpdate') continue;
        const s = strip(v[key], p);
        if (s !== undefined) out[key] = s;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    if (v === null || v === false || v === 0 || v === '') return undefined;
    return v;
  };
  return strip(spec, '');
}
const DEFAULTS = new Map<string, unknown>([
  ['TaskTemplate.Runtime', 'container'],
  ['TaskTemplate.ContainerSpec.Isolation', 'default'],
  ['UpdateConfig.FailureAction', 'pause'],
  ['UpdateConfig.Order', 'stop-first'],
  ['RollbackConfig.FailureAction', 'pause'],
  ['RollbackConfig.Order', 'stop-first'],
]);

/** Whether `desired` would change nothing on `current`; the engine keeps networks by id, the file names them. */
function same(current: DockerServiceSpec, desired: DockerServiceSpec, networkIds: ReadonlyMap<string, string>): boolean {
  const d = structuredClone(desired) as { TaskTemplate?: { Networks?: Array<{ Target?: string }> } };
  for (const n of d.TaskTemplate?.Networks ?? []) if (n.Target && networkIds.has(n.Target)) n.Target = networkIds.get(n.Target)!;
  return JSON.stringify(comparableSpec(current)) === JSON.stringify(comparableSpec(d));
}

interface ObjectPlan {
  source: StackSecretSource;
  /** The object to refer to, when it exists and stays. */
  existing?: SwarmObject;
  /** The engine name to create (a first or next version). */
  create?: string;
  placeholder: string;
}

async function planObjects(swarm: Swarm, kind: 'secret' | 'config', sources: StackSecretSource[], objects: SwarmObject[]): Promise<ObjectPlan[]> {
  const plans: ObjectPlan[] = [];
  for (const source of sources) {
    const latest = latestOf(objects, source.engineName);
    const placeholder = `planned-${kind}:${source.engineName}`;
    if (source.external) {
      if (!latest) throw new AppError('validation_failed', `External ${kind} ${source.engineName} does not exist`, { details: [{ field: `${kind}s.${source.key}`, message: `no ${kind} named ${source.engineName}` }] });
      plans.push({ source, existing: latest, placeholder });
    } else if (!latest) {
      plans.push({ source, create: versionedName(source.engineName, 1), placeholder });
    } else if (kind === 'config' && source.data !== undefined && (await swarm.inspectConfig(latest.id)).data !== source.data) {
      // Configs are not secret: a changed content becomes the next version, as a rotation would.
      plans.push({ source, create: versionedName(source.engineName, parseEngineName(latest.name).version + 1), placeholder });
    } else {
      // NOTE: a secret's data cannot be read back; an existing one stays as it is (rotate-secret changes it).
      plans.push({ source, existing: latest, placeholder });
    }
  }
  return plans;
}

function withReferences(spec: DockerServiceSpec, secrets: ObjectRef[], configs: ObjectRef[], resolve: (kind: 'secret' | 'config', key: string) => { id: string; name: string }): DockerServiceSpec {
  const copy = structuredClone(spec) as DockerServiceSpec & { TaskTemplate: { ContainerSpec: Json } };
  const file = (r: ObjectRef) => ({ Name: r.target, UID: r.uid, GID: r.gid, Mode: r.mode });
  if (secrets.length > 0) {
    copy.TaskTemplate.ContainerSpec.Secrets = secrets.map((r) => {
      const o = resolve('secret', r.key);
      return { File: file(r), SecretID: o.id, SecretName: o.name };
    });
  }
  if (configs.length > 0) {
    copy.TaskTemplate.ContainerSpec.Configs = configs.map((r) => {
      const o = resolve('config', r.key);
      return { File: file(r), ConfigID: o.id, ConfigName: o.name };
    });
  }
  return copy;
}

/** Runs `judge` over every item and throws one policy_denied naming each refused item, or answers all results. */
async function judgeAll<T, R>(items: readonly T[], label: (t: T) => string, judge: (t: T) => Promise<R>): Promise<R[]> {
  const results = await Promise.allSettled(items.map(judge));
  const denied = results.flatMap((r, i) =>
    r.status === 'rejected' && isAppError(r.reason) && r.reason.code === 'policy_denied'
      ? (Array.isArray(r.reason.details) ? r.reason.details : []).map((d: Json) => ({ service: label(items[i]!), ...d }))
      : [],
  );
  if (denied.length > 0) {
    const names = [...new Set(denied.map((d) => d.service))].join(', ');
    throw new AppError('policy_denied', `The stack breaks the security policy (${names}); nothing was changed`, { details: denied });
  }
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/** Deploys (or, with dryRun, plans) a stack; see the module comment. */
export async function deployStack(
  deps: Deps,
  principal: Principal,
  request: DeployRequest,
  onWrite?: (write: { service: string; name: string; version: number }) => void,
): Promise<DeployResult> {
  const { swarm, gate } = deps;
  const stack = request.name;
  const env = request.env ?? {};
  const file: StackPlanFile = mapComposeFile(stack, parseComposeFile(request.compose, env), env);

  const needs = (ok: boolean, permission: string, what: string) => {
    if (!ok) throw new AppError('forbidden', `Creating the stack's ${what} needs ${permission}`);
  };
  // The stack's own secrets and configs carry its stack label; a scoped write must match each as it will be.
  const mayCreate = (kind: 'secret' | 'config', sources: StackSecretSource[]) => {
    const allowed = objectFilter(principal, kind, 'write');
    return sources.every((s) => s.external || allowed({ name: s.engineName, labels: { ...s.labels, [STACK_LABEL]: stack } }));
  };
  needs(mayCreate('secret', file.secrets), 'secrets.write', 'secrets');
  needs(mayCreate('config', file.configs), 'configs.write', 'configs');

  const [running, networks, secrets, configs] = await Promise.all([
    swarm.listServiceSpecs({ label: stackFilter(stack) }),
    swarm.listNetworks(),
    file.secrets.length > 0 ? swarm.listSecrets() : Promise.resolve([]),
    file.configs.length > 0 ? swarm.listConfigs() : Promise.resolve([]),
  ]);
  const secretPlans = await planObjects(swarm, 'secret', file.secrets, secrets);
  const configPlans = await planObjects(swarm, 'config', file.configs, configs);
  const byName = new Map(running.map((s) => [s.name, s]));
  const details = new Map<string, ServiceDetail>();
  await Promise.all(file.services.filter((s) => byName.has(s.name)).map(async (s) => details.set(s.name, await swarm.inspectService(byName.get(s.name)!.id))));
  const doomed = request.prune ? running.filter((r) => !file.services.some((s) => s.name === r.name)) : [];
  const doomedDetails = await Promise.all(doomed.map((d) => swarm.inspectService(d.id)));

  // Judgement, before any change.
  const existingNetworks = new Set(networks.flatMap((n) => [n.name]));
  const networkIds = new Map(networks.filter((n) => n.id !== '').map((n) => [n.name, n.id]));
  const newNetworks = await judgeAll(
    file.networks.filter((n) => !n.external && !existingNetworks.has(n.engineName)),
    (n) => `network ${n.key}`,
    (n) => gate.admitNetwork(principal, stack, n.spec),
  );
  const plannedRef = (plans: ObjectPlan[]) => (kind: 'secret' | 'config', key: string) => {
    const p = plans.find((x) => x.source.key === key)!;
    return p.existing ? { id: p.existing.id, name: p.existing.name } : { id: p.placeholder, name: p.create! };
  };
  const firstPlan: StackPlan = {
    stack,
    networks: newNetworks,
    secrets: secretPlans.filter((p) => p.create).map((p) => p.placeholder),
    configs: configPlans.filter((p) => p.create).map((p) => p.placeholder),
  };
  const resolvePlanned = (kind: 'secret' | 'config', key: string) => (kind === 'secret' ? plannedRef(secretPlans) : plannedRef(configPlans))(kind, key);
  const judged = await judgeAll(file.services, (s) => s.name, async (s) => {
    const spec = withReferences(s.spec, s.secrets, s.configs, resolvePlanned);
    return { plan: s, spec, admitted: await gate.admitStackSpec(principal, firstPlan, spec, details.get(s.name)) };
  });
  const removals: AdmittedService[] = await judgeAll(doomedDetails, (d) => d.service.name, (d) => gate.admitService(principal, d));

  const actions = judged.map(({ plan, admitted }) => {
    const current = byName.get(plan.name);
    const action: StackAction = !current ? 'created' : same(current.spec, admitted, networkIds) ? 'unchanged' : 'updated';
    return { plan, action };
  });
  const result: DeployResult = {
    name: stack,
    services: [...actions.map((a) => ({ name: a.plan.name, action: a.action })), ...doomed.map((d) => ({ name: d.name, action: 'removed' as const }))],
  };
  if (request.dryRun) return result;

  // Changes, only what differs.
  for (const network of newNetworks as AdmittedNetwork[]) await swarm.createNetwork(network);
  const created = { secret: new Map<string, { id: string; name: string }>(), config: new Map<string, { id: string; name: string }>() };
  for (const [kind, plans] of [['secret', secretPlans], ['config', configPlans]] as const) {
    for (const p of plans.filter((x) => x.create)) {
      const labels = { ...p.source.labels, [STACK_LABEL]: stack };
      const object = { name: p.create!, data: p.source.data ?? '', labels };
      created[kind].set(p.source.key, kind === 'secret' ? await swarm.createSecret(object) : await swarm.createConfig(object));
    }
  }
  const resolveReal = (kind: 'secret' | 'config', key: string) => created[kind].get(key) ?? resolvePlanned(kind, key);
  const realPlan: StackPlan = { stack, secrets: [...created.secret.values()].map((o) => o.id), configs: [...created.config.values()].map((o) => o.id) };
  for (const { plan, action } of actions) {
    if (action === 'unchanged') continue;
    let admitted: AdmittedSpec = judged.find((j) => j.plan === plan)!.admitted;
    if (plan.secrets.length > 0 || plan.configs.length > 0) {
      // The second pass binds the ids of what was just created; the first pass already judged the same spec.
      admitted = await gate.admitStackSpec(principal, realPlan, withReferences(plan.spec, plan.secrets, plan.configs, resolveReal), details.get(plan.name));
    }
    const current = details.get(plan.name);
    if (current) {
      const written = await swarm.updateService(current.service.id, current.service.version, admitted);
      onWrite?.({ service: written.id, name: plan.name, version: written.version });
    } else {
      const created = await swarm.createService(admitted);
      onWrite?.({ service: created.id, name: created.name, version: 0 });
    }
  }
  for (const removal of removals) await swarm.removeService(removal);
  // Older versions of the stack's changed configs, once unused.
  for (const p of configPlans.filter((x) => x.create && !x.source.external)) {
    const old = versionsOf(configs, p.source.engineName);
    if (old.length > 0) await removeUnused(swarm, 'config', old);
  }
  await saveCompose(swarm, stack, withoutSecretData(request.compose));
  return result;
}

async function saveCompose(swarm: Swarm, stack: string, compose: string): Promise<void> {
  const old = versionsOf(await swarm.listConfigs(), recordName(stack));
  const next = versionedName(recordName(stack), (old.at(-1)?.number ?? 0) + 1);
  await swarm.createConfig({ name: next, data: Buffer.from(compose, 'utf8').toString('base64'), labels: { [STACK_LABEL]: stack, [COMPOSE_RECORD_LABEL]: 'true' } });
  for (const o of old) await swarm.removeConfig(o.id).catch(() => {});
}

export interface StackSummary {
  name: string;
  services: number;
  desired: number;
  running: number;
  updatedAt: string;
}

/** Stacks from the service list: one entry per STACK_LABEL value, counting only the services `principal` may read. */
export function summarizeStacks(services: readonly ServiceSummary[], principal?: Pick<Principal, 'permissions'>): StackSummary[] {
  const stacks = new Map<string, StackSummary>();
  const visible = principal && reachOf(principal, 'services.read') !== 'all' ? services.filter(filterFor(principal, 'services.read')) : services;
  for (const s of visible) {
    const name = s.labels[STACK_LABEL];
    if (name === undefined) continue;
    const entry = stacks.get(name) ?? { name, services: 0, desired: 0, running: 0, updatedAt: '' };
    entry.services += 1;
    entry.desired += s.replicas.desired;
    entry.running += s.replicas.running;
    if (s.updatedAt > entry.updatedAt) entry.updatedAt = s.updatedAt;
    stacks.set(name, entry);
  }
  return [...stacks.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * The last deployed file of `stack` ('' when it was deployed otherwise), and its services. A caller with scoped
 * services.read sees only the members a scope matches (none: not found). The file describes every service with
 * its environment values, which only those who may write a service see (as inspect-service shows them), so it
 * is given only to a caller who may write every member.
 */
export async function inspectStack(deps: { swarm: Swarm; services: { read(): Promise<{ services: ServiceSummary[] }> } }, principal: Pick<Principal, 'permissions'>, stack: string) {
  const [{ services }, configs] = await Promise.all([deps.services.read(), deps.swarm.listConfigs()]);
  const all = services.filter((s) => s.labels[STACK_LABEL] === stack);
  const members = all.filter(filterFor(principal, 'services.read'));
  if (members.length === 0) throw new AppError('not_found', `No stack named ${stack}`);
  if (members.length < all.length || !all.every(filterFor(principal, 'services.write'))) return { name: stack, compose: '', services: members };
  const record = latestOf(configs.filter((c) => c.labels[COMPOSE_RECORD_LABEL] === 'true'), recordName(stack));
  const compose = record ? Buffer.from((await deps.swarm.inspectConfig(record.id)).data, 'base64').toString('utf8') : '';
  return { name: stack, compose, services: members };
}

/**
 * Removes a stack: every service judged first (all or nothing), then removed; then the stack's networks, and
 * its secrets and configs when the caller holds secrets.write / configs.write (else they stay).
 */
export async function removeStack(deps: Deps, principal: Principal, stack: string): Promise<void> {
  const { swarm, gate } = deps;
  const running = await swarm.listServiceSpecs({ label: stackFilter(stack) });
  if (running.length === 0) throw new AppError('not_found', `No stack named ${stack}`);
  const details = await Promise.all(running.map((s) => swarm.inspectService(s.id)));
  const removals = await judgeAll(details, (d) => d.service.name, (d) => gate.admitService(principal, d));
  for (const r of removals) await swarm.removeService(r);
  const owned = (o: SwarmObject) => o.labels[STACK_LABEL] === stack;
  // Scoped writers remove only the stack's objects their scopes match; the others stay.
  if (holdsAny(principal, 'secrets.write')) await removeUnused(swarm, 'secret', (await swarm.listSecrets()).filter(owned).filter(objectFilter(principal, 'secret', 'write')));
  const configs = (await swarm.listConfigs()).filter(owned);
  const records = configs.filter((c) => c.labels[COMPOSE_RECORD_LABEL] === 'true');
  for (const r of records) await swarm.removeConfig(r.id).catch(() => {});
  if (holdsAny(principal, 'configs.write')) await removeUnused(swarm, 'config', configs.filter((c) => !records.includes(c)).filter(objectFilter(principal, 'config', 'write')));
  // NOTE: the engine refuses while the removed services' tasks still hold an endpoint; retried for up to 20 s.
  const networks = (await swarm.listNetworks()).filter((n) => n.labels[STACK_LABEL] === stack);
  await Promise.all(
    networks.map(async (n) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await swarm.removeNetwork(n.id || n.name);
        } catch (error) {
          if (!(isAppError(error) && error.code === 'in_use') || attempt >= 40) return;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }),
  );
}
