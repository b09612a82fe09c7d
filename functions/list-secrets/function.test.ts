import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from '../../testing/deps.ts';
import { listSecrets } from './function.ts';

const obj = (id: string, name: string, labels: Record<string, string> = {}) => ({ id, name, labels, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1 });
const using = (name: string, id: string) => ({ id: 's-' + name, name, version: 3, spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: [{ SecretID: id, SecretName: 'n', File: { Name: 'n' } }] } } } });

const test = suite<{ deps: TestDeps }>('list-secrets', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

test('should list one entry per name with its latest version and the services using any version, never data', async (ctx) => {
  const swarm = recordingSwarm({
    listSecrets: () => [obj('a1', 'db.v1'), obj('a2', 'db.v2'), obj('b', 'plain')],
    listServiceSpecs: () => [using('web', 'a1'), using('api', 'a2'), using('other', 'zzz')],
  });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('viewer', ['secrets.read']);
  const res = await mountFunction(listSecrets, ctx.deps).request('/', { headers: { authorization } });
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(body.secrets.map((s: any) => [s.name, s.version, s.services, s.id]), [['db', 2, ['api', 'web'], 'a2'], ['plain', 0, [], 'b']]);
  assert.not.ok(JSON.stringify(body).includes('"data"'));
});

test('should need secrets.read', async (ctx) => {
  const swarm = recordingSwarm();
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('dev', ['services.read']);
  const res = await mountFunction(listSecrets, ctx.deps).request('/', { headers: { authorization } });
  assert.is(res.status, 403);
  assert.equal(swarm.calls, []);
});

test.run();
