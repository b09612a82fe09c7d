import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import { rotateConfig } from './function.ts';

const obj = (id: string, name: string, labels: Record<string, string> = {}) => ({ id, name, labels, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1 });
const using = (name: string, id: string) => ({ id: 's-' + name, name, version: 3, spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x', Configs: [{ ConfigID: id, ConfigName: 'n', File: { Name: 'n' } }] } } } });

const test = suite<{ deps: TestDeps }>('rotate-config', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

test('should create the next version, move each service using an old one at the same target, and remove the old one', async (ctx) => {
  const current = using('web', 'old').spec;
  let services = [using('web', 'old')];
  const objects = [obj('old', 'db.v4', { team: 'a' })];
  const swarm = recordingSwarm({
    listConfigs: () => [...objects],
    listServiceSpecs: () => services,
    inspectService: () => serviceDetail(current, { id: 's-web', version: 3 }),
    createConfig: (o: { name: string }) => (objects.push(obj('new', o.name)), { id: 'new', name: o.name }),
    updateService: (id: string, version: number, spec: any) => { services = [{ id, name: 'web', version: version + 1, spec }]; return { id, version: version + 1 }; },
    listNetworks: () => [],
    removeConfig: () => undefined,
  });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('ops', ['configs.read', 'configs.write', 'services.read', 'services.write']);
  const res = await mountFunction(rotateConfig, ctx.deps).request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
  assert.is(res.status, 200, await res.clone().text());
  assert.equal(await res.json(), { name: 'db', version: 5, services: ['s-web'] });
  assert.equal(swarm.calls.find((c) => c.method === 'createConfig')!.args[0], { name: 'db.v5', data: 'aGk=', labels: { team: 'a' } });
  const update = swarm.calls.find((c) => c.method === 'updateService')!;
  const ref = (update.args[2] as any).TaskTemplate.ContainerSpec.Configs[0];
  assert.equal(ref, { ConfigID: 'new', ConfigName: 'db.v5', File: { Name: 'n' } });
  assert.equal(swarm.calls.find((c) => c.method === 'removeConfig')!.args, ['old']);
});

test('should answer 404 for an unknown name without creating anything', async (ctx) => {
  const swarm = recordingSwarm({ listConfigs: () => [] });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('ops', ['configs.write']);
  const res = await mountFunction(rotateConfig, ctx.deps).request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
  assert.is(res.status, 404);
  assert.equal(swarm.calls.map((c) => c.method), ['listConfigs']);
});

test.run();
