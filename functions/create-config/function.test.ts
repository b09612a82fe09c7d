import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import { createConfig } from './function.ts';

const test = suite<{ deps: TestDeps }>('create-config', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

test('should create version 1 as <name>.v1 and keep the data out of the audit', async (ctx) => {
  const swarm = recordingSwarm({ listConfigs: () => [], createConfig: (o: { name: string }) => ({ id: 'new', name: o.name }) });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('ops', ['configs.write']);
  const data = Buffer.from('hunter2').toString('base64');
  const res = await mountFunction(createConfig, ctx.deps).request('/', post({ name: 'db', data, labels: { team: 'a' } }, { authorization }));
  assert.is(res.status, 201);
  assert.equal(await res.json(), { id: 'new', name: 'db', version: 1 });
  assert.equal(swarm.calls.find((c) => c.method === 'createConfig')!.args[0], { name: 'db.v1', data, labels: { team: 'a' } });
  const audit = ctx.deps.published.find((e) => e.action === 'config.create')!;
  assert.ok(audit);
  assert.not.ok(JSON.stringify(ctx.deps.published).includes(data));
});

test('should answer 409 object_exists when the name has a version, and 400 for bad data or reserved labels', async (ctx) => {
  const swarm = recordingSwarm({ listConfigs: () => [{ id: 'x', name: 'db.v3', labels: {}, createdAt: '', updatedAt: '', version: 1 }] });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('ops', ['configs.write']);
  const app = mountFunction(createConfig, ctx.deps);
  const taken = await app.request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
  assert.is(taken.status, 409);
  assert.is((await taken.json()).error.code, 'object_exists');
  for (const body of [{ name: 'db', data: 'not base64!' }, { name: 'a.v1', data: 'aGk=' }, { name: 'db', data: 'aGk=', labels: { 'com.docker.stack.namespace': 'x' } }]) {
    const res = await app.request('/', post(body, { authorization }));
    assert.is(res.status, 400, JSON.stringify(body));
  }
  assert.not.ok(swarm.calls.some((c) => c.method === 'createConfig'));
});

test.run();
