import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import { removeStack } from './function.ts';

const test = suite<{ deps: TestDeps }>('remove-stack', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

const label = { 'com.docker.stack.namespace': 'shop' };
const spec = (name: string, extra: Record<string, string> = {}) => ({ Name: name, Labels: { ...label, ...extra }, TaskTemplate: { ContainerSpec: { Image: 'x', Labels: label } } });

test('should judge every service first and remove none when one needs services.privileged', async (ctx) => {
  const specs = [spec('shop_web'), spec('shop_sys', { 'dashboard.system': 'true' })];
  const swarm = recordingSwarm({
    listServiceSpecs: () => specs.map((s) => ({ id: s.Name, name: s.Name, version: 1, spec: s })),
    inspectService: (id: string) => serviceDetail(specs.find((s) => s.Name === id)!, { id, name: id }),
    listNetworks: () => [],
  });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('dev', ['services.write']);
  const res = await mountFunction(removeStack, ctx.deps).request('/', post({ name: 'shop' }, { authorization }));
  assert.is(res.status, 403);
  const { error } = await res.json();
  assert.ok(error.details.every((d: { service: string }) => d.service === 'shop_sys'));
  assert.not.ok(swarm.calls.some((c) => c.method === 'removeService'));
});

test('should remove the services (their stack label does not count against the user) and the stack\'s networks', async (ctx) => {
  const s = spec('shop_web');
  const swarm = recordingSwarm({
    listServiceSpecs: () => [{ id: 'w', name: 'shop_web', version: 1, spec: s }],
    inspectService: () => serviceDetail(s, { id: 'w' }),
    listNetworks: () => [{ id: 'n1', name: 'shop_default', driver: 'overlay', scope: 'swarm', labels: label }],
    removeService: () => undefined,
    listConfigs: () => [],
    removeNetwork: () => undefined,
  });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('dev', ['services.write']);
  const res = await mountFunction(removeStack, ctx.deps).request('/', post({ name: 'shop' }, { authorization }));
  assert.is(res.status, 204, await res.clone().text());
  assert.equal(swarm.calls.filter((c) => c.method.startsWith('remove')).map((c) => c.method), ['removeService', 'removeNetwork']);
});

test.run();
