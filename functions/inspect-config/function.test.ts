import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import { inspectConfig } from './function.ts';

const test = suite<{ deps: TestDeps }>('inspect-config', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

test('should answer the latest version with its data', async (ctx) => {
  const o = (id: string, name: string) => ({ id, name, labels: {}, createdAt: 't', updatedAt: 't', version: 1 });
  const swarm = recordingSwarm({ listConfigs: () => [o('c1', 'app.v1'), o('c2', 'app.v2')], listServiceSpecs: () => [], inspectConfig: (id: string) => ({ ...o(id, 'app.v2'), data: 'aGk=' }) });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('viewer', ['configs.read']);
  const res = await mountFunction(inspectConfig, ctx.deps).request('/?name=app', { headers: { authorization } });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { id: 'c2', name: 'app', version: 2, labels: {}, createdAt: 't', services: [], data: 'aGk=' });
  assert.equal(swarm.calls.find((c) => c.method === 'inspectConfig')!.args, ['c2']);
});

test('should answer 404 for an unknown name and 403 without configs.read', async (ctx) => {
  const swarm = recordingSwarm({ listConfigs: () => [], listServiceSpecs: () => [] });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('viewer', ['configs.read']);
  assert.is((await mountFunction(inspectConfig, ctx.deps).request('/?name=app', { headers: { authorization } })).status, 404);
  const other = await ctx.deps.addUser('secretive', ['secrets.read']);
  assert.is((await mountFunction(inspectConfig, ctx.deps).request('/?name=app', { headers: { authorization: other.authorization } })).status, 403);
});

test.run();
