/**
 * The alert kinds from the real engine's events, in local mode's pipeline (producer → memory bus → alerts loop)
 * with the embedded store and a real receiver: a task that exits 3 is task.failed, a task the engine stops
 * (scale to 0: kill, then die 137) is not, and an update whose new task fails pauses (service.update_paused).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testRule } from '../../lib/alerts/alert-store.contract.ts';
import { createEmbeddedAlertStore } from '../../lib/alerts/alert-store/embedded.ts';
import { createWebhookClient } from '../../lib/alerts/webhook.ts';
import { createEventAdapters } from '../../lib/events/compose.ts';
import type { Event } from '../../lib/events/event.ts';
import { waitFor } from '../../lib/events/test-events.ts';
import { startWebhookReceiver } from '../../testing/webhook-receiver.ts';
import { startEventPipeline } from '../event-pipeline.ts';

const test = suite('alerts from the real engine (local mode pipeline)');

test('should alert on a failing task and a paused update, not on a task the engine stopped', async () => {
  const docker = new Docker();
  const dataDir = mkdtempSync(join(tmpdir(), 'alerts-engine-'));
  const adapters = await createEventAdapters({ dataDir });
  const store = createEmbeddedAlertStore({ dataDir });
  const receiver = await startWebhookReceiver();
  const live: Event[] = [];
  await adapters.bus.subscribe((e) => live.push(e));
  const controller = new AbortController();
  const prefix = `it-alerts-${Date.now().toString(36)}`;
  await store.createRule(testRule('r', { on: ['task.failed', 'service.update_paused', 'service.rollback'], match: { service: `${prefix}-*` }, createdAt: new Date().toISOString(), webhook: { url: receiver.url, secret: 'engine-secret-12345' } }));
  const { done } = startEventPipeline({
    docker, bus: adapters.bus, history: adapters.history, dataDir, signal: controller.signal, onError: () => {},
    alerts: { store, webhooks: createWebhookClient({ allowPrivate: true, backoffMs: 50 }) },
  });
  const ids: string[] = [];
  const create = async (name: string, command: string[], extra: object = {}) => {
    const s = (await docker.createService({
      Name: `${prefix}-${name}`,
      TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: command, StopGracePeriod: 1_000_000_000 }, RestartPolicy: { Condition: 'none' } },
      Mode: { Replicated: { Replicas: 1 } },
      ...extra,
    })) as unknown as { id: string };
    ids.push(s.id);
    return s.id;
  };
  const kinds = () => receiver.received.map((r) => JSON.parse(r.body).event as { kind: string; service: string });
  try {
    await new Promise((r) => setTimeout(r, 500));
    await create('fails', ['sh', '-c', 'exit 3']);
    const stoppedId = await create('stopped', ['sleep', '600']);
    const pausedId = await create('paused', ['sleep', '600'], { UpdateConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 3_000_000_000, MaxFailureRatio: 0 } });
    await waitFor('the failing task', () => kinds().some((k) => k.service === `${prefix}-fails` && k.kind === 'task.failed'), 30_000);

    const waitRunning = async (id: string) => waitFor('a running task', async () => (await docker.listTasks({ filters: { service: [id], 'desired-state': ['running'] } })).some((t) => t.Status?.State === 'running'), 30_000);
    await waitRunning(stoppedId);
    await waitRunning(pausedId);
    const stopped = docker.getService(stoppedId);
    const spec = (await stopped.inspect()) as { Spec: Record<string, unknown>; Version: { Index: number } };
    await stopped.update({ ...spec.Spec, Mode: { Replicated: { Replicas: 0 } }, version: spec.Version.Index });
    await waitFor('the stopped container to die', () => live.some((e) => e.type === 'container' && e.action === 'die' && e.actor.attributes['com.docker.swarm.service.id'] === stoppedId), 30_000);

    const paused = docker.getService(pausedId);
    const pspec = (await paused.inspect()) as { Spec: { TaskTemplate: { ContainerSpec: Record<string, unknown> } } & Record<string, unknown>; Version: { Index: number } };
    await paused.update({ ...pspec.Spec, TaskTemplate: { ...pspec.Spec.TaskTemplate, ContainerSpec: { ...pspec.Spec.TaskTemplate.ContainerSpec, Command: ['sh', '-c', 'exit 1'] } }, version: pspec.Version.Index });
    await waitFor('the paused update', () => kinds().some((k) => k.service === `${prefix}-paused` && k.kind === 'service.update_paused'), 60_000);
    await new Promise((r) => setTimeout(r, 1000));

    const got = kinds().map((k) => `${k.service.slice(prefix.length + 1)}:${k.kind}`);
    assert.ok(!got.some((k) => k.startsWith('stopped:')), `the engine's own stop is no failure: ${got}`);
    assert.ok(got.includes('fails:task.failed') && got.includes('paused:service.update_paused'), String(got));
    for (const r of receiver.received) assert.ok(receiver.verify(r, 'engine-secret-12345'));
    const deliveries = await store.listDeliveries({ limit: 100 });
    assert.is(deliveries.length, receiver.received.length, 'one delivery per request');
    console.log(`  alerts from the engine: ${got.join(', ')}`);
  } finally {
    for (const id of ids) await docker.getService(id).remove().catch(() => {});
    controller.abort();
    await done;
    await receiver.close();
    await store.close();
    await adapters.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
