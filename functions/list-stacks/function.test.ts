import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountFunction } from '../../lib/http/mount.ts';
import { createTestDeps, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import { listStacks } from './function.ts';

const test = suite<{ deps: TestDeps }>('list-stacks', {} as { deps: TestDeps });
test.after.each(({ deps }) => deps.cleanup());

const summary = (name: string, stack: string | undefined, desired: number, running: number, updatedAt: string) => ({
  id: name, name, image: 'x', mode: 'replicated', replicas: { desired, running }, ports: [], createdAt: updatedAt, updatedAt, version: 1,
  labels: stack ? { 'com.docker.stack.namespace': stack } : {},
});

test('should group services by com.docker.stack.namespace, summing replicas', async (ctx) => {
  const swarm = recordingSwarm({ listServices: () => [summary('a_web', 'a', 2, 1, '2024-01-02'), summary('a_db', 'a', 1, 1, '2024-01-03'), summary('loose', undefined, 1, 1, '2024-01-01'), summary('b_x', 'b', 1, 0, '2024-01-01')] });
  ctx.deps = await createTestDeps({ swarm });
  const { authorization } = await ctx.deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(listStacks, ctx.deps).request('/', { headers: { authorization } });
  assert.is(res.status, 200);
  assert.equal((await res.json()).stacks, [
    { name: 'a', services: 2, desired: 3, running: 2, updatedAt: '2024-01-03' },
    { name: 'b', services: 1, desired: 1, running: 0, updatedAt: '2024-01-01' },
  ]);
});

test.run();
