import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import { deleteSecret } from './function.ts';

const obj = (id: string, name: string, labels: Record<string, string> = {}) => ({ id, name, labels, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1 });
const using = (name: string, id: string) => ({ id: 's-' + name, name, version: 3, spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: [{ SecretID: id, SecretName: 'n', File: { Name: 'n' } }] } } } });

const test = suite<{ deps: TestDeps }>('delete-secret', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

test('should answer 409 in_use naming the services while one uses any version, removing nothing', async (ctx) => {
  const swarm = recordingSwarm({ listSecrets: () => [obj('a1', 'db.v1'), obj('a2', 'db.v2')], listServiceSpecs: () => [using('web', 'a1')] });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('ops', ['secrets.write']);
  const res = await mountFunction(deleteSecret, ctx.deps).request('/', post({ name: 'db' }, { authorization }));
  assert.is(res.status, 409);
  const { error } = await res.json();
  assert.is(error.code, 'in_use');
  assert.equal(error.details.services, ['web']);
  assert.not.ok(swarm.calls.some((c) => c.method === 'removeSecret'));
});

test('should remove every version when unused', async (ctx) => {
  const swarm = recordingSwarm({ listSecrets: () => [obj('a1', 'db.v1'), obj('a2', 'db.v2')], listServiceSpecs: () => [], removeSecret: () => undefined });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('ops', ['secrets.write']);
  const res = await mountFunction(deleteSecret, ctx.deps).request('/', post({ name: 'db' }, { authorization }));
  assert.is(res.status, 204);
  assert.equal(swarm.calls.filter((c) => c.method === 'removeSecret').map((c) => c.args[0]), ['a1', 'a2']);
});

test.run();
