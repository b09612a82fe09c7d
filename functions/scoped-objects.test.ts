/** Scoped secrets.* and configs.* (contract 1.1): lists filtered, others' objects 404/403, creation in scope, attaching in scope. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../lib/http/mount.ts';
import type { SwarmObject } from '../lib/swarm/swarm.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../testing/deps.ts';
import { createConfig } from './create-config/function.ts';
import { createSecret } from './create-secret/function.ts';
import { createService } from './create-service/function.ts';
import { deleteConfig } from './delete-config/function.ts';
import { deleteSecret } from './delete-secret/function.ts';
import { inspectConfig } from './inspect-config/function.ts';
import { listConfigs } from './list-configs/function.ts';
import { listSecrets } from './list-secrets/function.ts';
import { rotateSecret } from './rotate-secret/function.ts';

const STACK = 'com.docker.stack.namespace';
const obj = (id: string, name: string, labels: Record<string, string> = {}): SwarmObject => ({ id, name, labels, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1 });
const OBJECTS = [obj('s1', 'shop-db.v2', { [STACK]: 'shop' }), obj('b1', 'bank-db.v1', { [STACK]: 'bank' }), obj('p1', 'pay-key', { team: 'payments' })];
const DATA = Buffer.from('x').toString('base64');

type Ctx = { deps: TestDeps; swarm: ReturnType<typeof recordingSwarm> };
const test = suite<Ctx>('scoped secrets and configs', {} as Ctx);
test.before.each(async (ctx) => {
  ctx.swarm = recordingSwarm({
    listSecrets: () => OBJECTS,
    listConfigs: () => OBJECTS,
    listServiceSpecs: () => [],
    inspectConfig: (id: string) => ({ ...OBJECTS.find((o) => o.id === id)!, data: DATA }),
    createSecret: (o: { name: string }) => ({ id: 'new', name: o.name }),
    createConfig: (o: { name: string }) => ({ id: 'new', name: o.name }),
    removeSecret: () => undefined,
    removeConfig: () => undefined,
    listNetworks: () => [],
    inspectVolume: () => null,
    createService: () => ({ id: 'svc', version: 1 }),
  });
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const call = (deps: TestDeps, def: Parameters<typeof mountFunction>[0], authorization: string, body: unknown = {}) =>
  mountFunction(def, deps).request('/', post(body, { authorization }));
const changes = (swarm: Ctx['swarm']) => swarm.calls.filter((c) => /^(create|remove|update)/.test(c.method));

test('should list only the secrets and configs a scope matches, by the name users see', async ({ deps }) => {
  const { authorization } = await deps.addUser('s', ['secrets.read:stack=shop', 'configs.read:name=pay-*']);
  const secrets = await (await call(deps, listSecrets, authorization)).json();
  assert.equal(secrets.secrets.map((s: { name: string }) => s.name), ['shop-db']);
  const configs = await (await call(deps, listConfigs, authorization)).json();
  assert.equal(configs.configs.map((s: { name: string }) => s.name), ['pay-key']);
  const all = await deps.addUser('a', ['secrets.read']);
  assert.is((await (await call(deps, listSecrets, all.authorization)).json()).secrets.length, 3);
});

test('should answer 404 for a config outside the read scope', async ({ deps }) => {
  const { authorization } = await deps.addUser('s', ['configs.read:stack=shop']);
  assert.is((await call(deps, inspectConfig, authorization, { name: 'shop-db' })).status, 200);
  const res = await call(deps, inspectConfig, authorization, { name: 'bank-db' });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
});

test('should create only objects the write scope matches, writing nothing otherwise', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['secrets.write:label=team=shop', 'configs.write:name=shop-*']);
  const out = await call(deps, createSecret, authorization, { name: 'shop-new', data: DATA });
  assert.is(out.status, 403, 'the team label is missing');
  assert.is((await out.json()).error.code, 'forbidden');
  assert.is((await call(deps, createConfig, authorization, { name: 'bank-new', data: DATA })).status, 403);
  assert.equal(changes(swarm), []);
  assert.is((await call(deps, createSecret, authorization, { name: 'shop-new', data: DATA, labels: { team: 'shop' } })).status, 201);
  assert.is((await call(deps, createConfig, authorization, { name: 'shop-new', data: DATA })).status, 201);
});

test('should delete and rotate in scope, 403 readable-but-not-writable, 404 unreadable, changing nothing', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['secrets.read:label=team=payments', 'secrets.write:stack=shop', 'configs.write:stack=shop']);
  const forbidden = await call(deps, deleteSecret, authorization, { name: 'pay-key' });
  assert.is(forbidden.status, 403);
  assert.is((await call(deps, deleteSecret, authorization, { name: 'bank-db' })).status, 404);
  assert.is((await call(deps, rotateSecret, authorization, { name: 'bank-db', data: DATA })).status, 404);
  assert.is((await call(deps, deleteConfig, authorization, { name: 'bank-db' })).status, 404);
  assert.equal(changes(swarm), []);
  assert.is((await call(deps, deleteSecret, authorization, { name: 'shop-db' })).status, 204);
  assert.is((await call(deps, rotateSecret, authorization, { name: 'shop-db', data: DATA })).status, 200);
});

test('should let a service attach only the secrets the read scope matches', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('s', ['services.write', 'secrets.read:stack=shop']);
  const base = { image: 'local/busybox:1', replicas: 1 };
  const out = await call(deps, createService, authorization, { ...base, name: 'a', secrets: [{ name: 'bank-db' }] });
  assert.is(out.status, 403);
  assert.is((await out.json()).error.details[0].rule, 'secrets');
  assert.equal(swarm.calls.filter((c) => c.method === 'createService'), []);
  const ok = await call(deps, createService, authorization, { ...base, name: 'b', secrets: [{ name: 'shop-db' }] });
  assert.is(ok.status, 201, await ok.text());
});

test.run();
