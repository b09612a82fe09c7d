import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import { inspectStack } from './function.ts';

const test = suite<{ deps: TestDeps }>('inspect-stack', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

const web = { id: 'w', name: 'shop_web', image: 'x', mode: 'replicated', replicas: { desired: 1, running: 1 }, ports: [], createdAt: 't', updatedAt: 't', version: 1, labels: { 'com.docker.stack.namespace': 'shop' } };

test('should answer the last deployed file and the stack\'s services', async (ctx) => {
  const record = { id: 'r2', name: 'dashboard-stack-shop.v2', labels: { 'com.docker.stack.namespace': 'shop', 'dashboard.stack.compose': 'true' }, createdAt: 't', updatedAt: 't', version: 1 };
  const swarm = recordingSwarm({ listServices: () => [web], listConfigs: () => [record], inspectConfig: () => ({ ...record, data: Buffer.from('services: {}').toString('base64') }) });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('operator', ['services.read', 'services.write']);
  const res = await mountFunction(inspectStack, ctx.deps).request('/?name=shop', { headers: { authorization } });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { name: 'shop', compose: 'services: {}', services: [web] });
});

test('should keep the file, which holds environment values, from a caller who may only read the services', async (ctx) => {
  const record = { id: 'r2', name: 'dashboard-stack-shop.v2', labels: { 'com.docker.stack.namespace': 'shop', 'dashboard.stack.compose': 'true' }, createdAt: 't', updatedAt: 't', version: 1 };
  const file = 'services:\n  web:\n    image: x\n    environment: { DB_PASSWORD: hunter2 }\n';
  const swarm = recordingSwarm({ listServices: () => [web], listConfigs: () => [record], inspectConfig: () => ({ ...record, data: Buffer.from(file).toString('base64') }) });
  ctx.deps = await createTestDeps({ swarm });
  const viewer = await ctx.deps.addUser('viewer', ['services.read']);
  const other = await ctx.deps.addUser('other', ['services.read', 'services.write:name=blog_*']);
  for (const { authorization } of [viewer, other]) {
    const res = await mountFunction(inspectStack, ctx.deps).request('/?name=shop', { headers: { authorization } });
    assert.is(res.status, 200);
    assert.equal(await res.json(), { name: 'shop', compose: '', services: [web] });
  }
});

test('should answer 404 for a stack without services', async (ctx) => {
  const swarm = recordingSwarm({ listServices: () => [], listConfigs: () => [] });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(inspectStack, ctx.deps).request('/?name=shop', { headers: { authorization } });
  assert.is(res.status, 404);
});

test.run();
