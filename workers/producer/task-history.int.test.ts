/**
 * Task history against the real engine: a service whose tasks exit 3 at once fails more tasks per slot than the
 * five Docker keeps; the producer's task listings store each failure, and list-tasks shows them all with the
 * error and exit code, while the engine lists at most five per slot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryEventBus } from '../../lib/events/event-bus/memory.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { connectTestSwarm, sweepTestServices, testLabels, TEST_IMAGE, uniquePrefix, waitFor } from '../../testing/swarm.ts';
import { createTestDeps, post } from '../../testing/deps.ts';
import { listTasks } from '../../functions/list-tasks/function.ts';
import { startEventPipeline } from '../event-pipeline.ts';
import type { Event } from '../../lib/events/event.ts';
import { emptySnapshot } from './resync.ts';
import { createTaskWatch } from './task-watch.ts';

const SUITE_LABEL = 'task-history';
const docker = new Docker();
const name = `${uniquePrefix('it-tasks-')}fails`;
const history = suite('task history (real engine)');

await sweepTestServices(await connectTestSwarm(), SUITE_LABEL);

history('should list more than five failed tasks of one slot, with the error and exit code', async () => {
  const swarm = await connectTestSwarm();
  const deps = await createTestDeps({ swarm });
  const dataDir = mkdtempSync(join(tmpdir(), 'tasks-'));
  const controller = new AbortController();
  const errors: unknown[] = [];
  const bus = createMemoryEventBus();
  const { done } = startEventPipeline({ docker, bus, history: deps.history, dataDir, signal: controller.signal, onError: (e) => errors.push(e) });
  let serviceId: string | undefined;
  try {
    const { authorization } = await deps.addUser('viewer', ['services.read']);
    const created = await docker.createService({
      Name: name,
      Labels: testLabels(SUITE_LABEL),
      TaskTemplate: {
        ContainerSpec: { Image: TEST_IMAGE, Command: ['sh', '-c', 'exit 3'] },
        RestartPolicy: { Condition: 'on-failure', Delay: 100_000_000, MaxAttempts: 0 },
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
    serviceId = (created as { id?: string; ID?: string }).id ?? (created as { ID: string }).ID;
    const started = Date.now();
    const failed = await waitFor('seven failed tasks of slot 1 in list-tasks', async () => {
      const res = await mountFunction(listTasks, deps).request('/', post({ service: name, state: 'failed', limit: 100 }, { authorization }));
      if (res.status !== 200) throw new Error(`list-tasks answered ${res.status}`);
      const body = (await res.json()) as { tasks: Array<{ id: string; slot: number; error: string | null; current: boolean; serviceName: string; nodeHostname: string | null; history: Array<{ state: string; exitCode?: number; error: string | null }> }> };
      const inSlot = body.tasks.filter((t) => t.slot === 1);
      return inSlot.length >= 7 ? inSlot : undefined;
    }, { timeoutMs: 90_000, intervalMs: 1000 });
    const engineTasks = (await docker.listTasks({ filters: JSON.stringify({ service: [name] }) } as never)) as unknown as Array<{ Slot?: number }>;
    console.log(`  ${failed.length} failed tasks in slot 1 after ${Date.now() - started} ms; the engine lists ${engineTasks.length}`);
    assert.ok(engineTasks.filter((t) => t.Slot === 1).length <= 6, 'the engine keeps about five per slot');
    assert.ok(failed.some((t) => !t.current), 'some failed tasks are known only from the history');
    assert.is(new Set(failed.map((t) => t.id)).size, failed.length);
    for (const t of failed) {
      assert.match(t.error ?? '', /exit \(3\)/);
      assert.is(t.serviceName, name);
      assert.ok(t.nodeHostname, 'a node hostname');
      const end = t.history.find((h) => h.state === 'failed');
      assert.ok(end, 'the failure is in the history');
      if (!t.current) assert.is(end!.exitCode, 3);
    }
    const stored = (await deps.history.range({ type: 'task', limit: 5000 })).events;
    assert.is(new Set(stored.map((e) => e.id)).size, stored.length, 'one event per change');
  } finally {
    if (serviceId) await docker.getService(serviceId).remove().catch(() => {});
    controller.abort();
    await done;
    await bus.close();
    await deps.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

history('should list the tasks of the other services when one in the listing was removed', async () => {
  const create = async (suffix: string) => {
    const created = await docker.createService({
      Name: `${name}-${suffix}`,
      Labels: testLabels(SUITE_LABEL),
      TaskTemplate: { ContainerSpec: { Image: TEST_IMAGE, Command: ['sleep', '600'] } },
      Mode: { Replicated: { Replicas: 1 } },
    });
    return (created as { id?: string; ID?: string }).id ?? (created as { ID: string }).ID;
  };
  const live = await create('live');
  const gone = await create('gone');
  const emitted: Event[] = [];
  const errors: unknown[] = [];
  const seen = emptySnapshot();
  seen.service[live] = [`${name}-live`, '0'];
  const watch = createTaskWatch({
    engine: { listTasks: (o) => docker.listTasks(o as never) as unknown as Promise<unknown[]> },
    seen: () => seen,
    stored: emptySnapshot,
    emit: (events) => emitted.push(...events),
    node: 'test',
    onError: (e) => errors.push(e),
    batchMs: 10,
    settleMs: 60_000,
  });
  try {
    await docker.getService(gone).remove();
    await waitFor('a task event of the live service', async () => {
      watch.touch([gone, live]);
      return emitted.some((e) => e.actor.attributes.serviceId === live) || undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    assert.equal(errors.map(String), []);
  } finally {
    await watch.stop();
    await docker.getService(live).remove().catch(() => {});
  }
});

history.run();
