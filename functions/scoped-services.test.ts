/** Scoped permissions (contract 1.1) across the service functions: lists filtered, others' services 404/403, creation in scope. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../lib/http/mount.ts';
import type { DockerServiceSpec, ServiceSummary } from '../lib/swarm/swarm.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../testing/deps.ts';
import { createService } from './create-service/function.ts';
import { deleteService } from './delete-service/function.ts';
import { inspectService } from './inspect-service/function.ts';
import { listServices } from './list-services/function.ts';
import { deployStack } from './deploy-stack/function.ts';
import { inspectStack } from './inspect-stack/function.ts';
import { listStacks } from './list-stacks/function.ts';
import { removeStack } from './remove-stack/function.ts';
import { scaleService } from './scale-service/function.ts';

const STACK = 'com.docker.stack.namespace';
const summary = (id: string, name: string, labels: Record<string, string>): ServiceSummary => ({
  id, name, image: 'local/busybox:1', mode: 'replicated', replicas: { desired: 1, running: 1 }, ports: [], labels,
  createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', version: 7,
});
const spec = (name: string, labels: Record<string, string>): DockerServiceSpec => ({
  Name: name, Labels: labels, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } },
});
const SERVICES: Record<string, { name: string; labels: Record<string, string> }> = {
  shop: { name: 'shop_web', labels: { [STACK]: 'shop' } },
  bank: { name: 'bank_api', labels: { [STACK]: 'bank' } },
  pay: { name: 'pay', labels: { team: 'payments' } },
};
const detailOf = (id: string) => {
  const s = SERVICES[id];
  if (!s) throw Object.assign(new Error('no such service'), { code: 'not_found' });
  return serviceDetail(spec(s.name, s.labels), { id, name: s.name, labels: s.labels });
};

type Ctx = { deps: TestDeps; swarm: ReturnType<typeof recordingSwarm> };
const test = suite<Ctx>('scoped service permissions', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.swarm = recordingSwarm({
    listServices: () => Object.entries(SERVICES).map(([id, s]) => summary(id, s.name, s.labels)),
    inspectService: detailOf,
    listNetworks: () => [],
    inspectVolume: () => null,
    updateService: () => ({ id: 'x', version: 8 }),
    removeService: () => undefined,
    createService: () => ({ id: 'new', version: 1 }),
    listServiceSpecs: (filter?: { label?: string }) =>
      Object.entries(SERVICES)
        .filter(([, v]) => !filter?.label || Object.entries(v.labels).some(([k, l]) => `${k}=${l}` === filter.label))
        .map(([id, v]) => ({ id, name: v.name, version: 7, spec: spec(v.name, v.labels) })),
    listConfigs: () => [],
    createConfig: () => ({ id: 'c', name: 'c' }),
    createNetwork: () => ({ id: 'n' }),
  });
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const call = (deps: TestDeps, def: Parameters<typeof mountFunction>[0], authorization: string, body: unknown = {}) =>
  mountFunction(def, deps).request('/', post(body, { authorization }));
const writes = (swarm: Ctx['swarm']) => swarm.calls.filter((c) => ['updateService', 'removeService', 'createService', 'createNetwork', 'removeNetwork'].includes(c.method));

test('should list only the services a scope matches, without the shared ETag', async ({ deps }) => {
  const { authorization } = await deps.addUser('s', ['services.read:stack=shop', 'services.read:label=team=payments']);
  const res = await call(deps, listServices, authorization);
  assert.is(res.status, 200);
  assert.equal((await res.json()).services.map((s: ServiceSummary) => s.name).sort(), ['pay', 'shop_web']);
  assert.is(res.headers.get('etag'), null);
  const all = await deps.addUser('a', ['services.read']);
  assert.is((await (await call(deps, listServices, all.authorization)).json()).services.length, 3);
});

test('should answer 404 for inspecting a service outside the scope, and hide env unless the write scope matches', async ({ deps }) => {
  const { authorization } = await deps.addUser('s', ['services.read:name=shop_*', 'services.write:name=nothing-*']);
  assert.is((await call(deps, inspectService, authorization, { id: 'shop' })).status, 200);
  const res = await call(deps, inspectService, authorization, { id: 'bank' });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
});

test('should scale in scope, answer 403 readable-but-not-writable and 404 unreadable, writing nothing', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['services.read:label=team=payments', 'services.write:stack=shop']);
  assert.is((await call(deps, scaleService, authorization, { id: 'shop', replicas: 2 })).status, 200);
  assert.is(writes(swarm).length, 1);
  const forbidden = await call(deps, scaleService, authorization, { id: 'pay', replicas: 2 });
  assert.is(forbidden.status, 403);
  assert.is((await forbidden.json()).error.code, 'forbidden');
  assert.is((await call(deps, scaleService, authorization, { id: 'bank', replicas: 2 })).status, 404);
  assert.is((await call(deps, deleteService, authorization, { id: 'bank' })).status, 404);
  assert.is(writes(swarm).length, 1);
});

test('should create only services the write scope matches', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['services.write:name=shop-*']);
  const base = { image: 'local/busybox:1', replicas: 1 };
  const out = await call(deps, createService, authorization, { ...base, name: 'bank-api' });
  assert.is(out.status, 403, await out.text());
  assert.equal(writes(swarm), []);
  const ok = await call(deps, createService, authorization, { ...base, name: 'shop-api' });
  assert.is(ok.status, 201, await ok.text());
});

test('should list only the stacks, and count only the services, a scope matches', async ({ deps }) => {
  const { authorization } = await deps.addUser('s', ['services.read:stack=shop']);
  const res = await call(deps, listStacks, authorization);
  assert.is(res.status, 200);
  assert.equal((await res.json()).stacks.map((s: { name: string; services: number }) => [s.name, s.services]), [['shop', 1]]);
});

test('should answer 404 for inspecting a stack outside the scope', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['services.read:stack=shop']);
  assert.is((await call(deps, inspectStack, authorization, { name: 'shop' })).status, 200);
  const res = await call(deps, inspectStack, authorization, { name: 'bank' });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
});

test('should deploy only stacks whose services the write scope matches, changing nothing otherwise', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['services.write:stack=shop']);
  const compose = 'services:\n  api:\n    image: local/busybox:1\n';
  const out = await call(deps, deployStack, authorization, { name: 'blog', compose });
  assert.is(out.status, 403, await out.text());
  // bank_api exists but is outside every scope the caller holds: not found, as for a single service.
  assert.is((await call(deps, deployStack, authorization, { name: 'bank', compose })).status, 404);
  assert.equal(writes(swarm), []);
  const ok = await call(deps, deployStack, authorization, { name: 'shop', compose });
  assert.is(ok.status, 200, await ok.text());
  assert.equal(writes(swarm).map((c) => c.method).filter((m) => m === 'createService'), ['createService']);
});

test('should remove a stack in the write scope and refuse one outside it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['services.read', 'services.write:stack=shop']);
  const res = await call(deps, removeStack, authorization, { name: 'bank' });
  assert.is(res.status, 403);
  assert.equal(writes(swarm), []);
  assert.is((await call(deps, removeStack, authorization, { name: 'shop' })).status, 204);
  assert.equal(writes(swarm).map((c) => c.method), ['removeService']);
});

test.run();

const grants = suite<{ deps: TestDeps }>('granting scoped permissions', {} as { deps: TestDeps });
grants.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
grants.after.each(({ deps }) => deps.cleanup());
grants('should let a holder of the same string or its unscoped form grant a scope, and refuse wider or malformed ones', async ({ deps }) => {
  const { grantPermission } = await import('./grant-permission/function.ts');
  await deps.addUser('target', []);
  const scoped = await deps.addUser('scoped', ['users.write', 'services.write:stack=shop']);
  const full = await deps.addUser('full', ['users.write', 'services.read']);
  const grant = (authorization: string, permission: string) => call(deps, grantPermission, authorization, { username: 'target', permission });
  assert.is((await grant(scoped.authorization, 'services.write:stack=shop')).status, 200);
  assert.is((await grant(full.authorization, 'services.read:name=shop-*')).status, 200);
  assert.is((await grant(scoped.authorization, 'services.write')).status, 403);
  assert.is((await grant(scoped.authorization, 'services.write:stack=bank')).status, 403);
  for (const bad of ['services.write:stack=a b', 'users.write:stack=x', `services.read:name=${'x'.repeat(200)}`]) {
    assert.is((await grant(full.authorization, bad)).status, 400, bad);
  }
  assert.equal((await deps.users.get('target'))!.permissions, ['services.read:name=shop-*', 'services.write:stack=shop']);
});
grants('should let create-user give scoped permissions within what the creator holds, and nothing wider', async ({ deps }) => {
  const { createUser } = await import('./create-user/function.ts');
  const scoped = await deps.addUser('scoped', ['users.write', 'services.write:stack=shop']);
  const create = (username: string, permissions: string[]) =>
    call(deps, createUser, scoped.authorization, { username, password: 'correct horse battery staple', permissions });
  const ok = await create('a', ['services.write:stack=shop']);
  assert.is(ok.status, 201, await ok.text());
  assert.equal((await deps.users.get('a'))!.permissions, ['services.write:stack=shop']);
  for (const wider of [['services.write'], ['services.write:stack=bank'], ['services.read:stack=shop']]) {
    const res = await create(`b${wider.join()}`.replace(/[^a-z]/g, ''), wider);
    assert.is(res.status, 403, wider.join());
  }
  assert.is((await create('c', ['users.write:stack=shop'])).status, 400);
});
grants.run();
