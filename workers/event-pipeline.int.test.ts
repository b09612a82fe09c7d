/** Local mode's pipeline against the real engine: a service's events reach a subscriber and the history. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEventAdapters } from '../lib/events/compose.ts';
import type { Event } from '../lib/events/event.ts';
import { waitFor } from '../lib/events/test-events.ts';
import { connectTestSwarm, sweepTestServices, testLabels } from '../testing/swarm.ts';
import { startEventPipeline } from './event-pipeline.ts';

const pipeline = suite('startEventPipeline (local mode, real engine)');
// Leftovers of killed runs: services this suite labelled, older than a few minutes.
await sweepTestServices(await connectTestSwarm(), 'event-pipeline');

pipeline('should stream and store the events of a service created and removed on the swarm', async () => {
  const docker = new Docker();
  await docker.info().catch((e) => {
    throw new Error(`no Docker engine (run scripts/swarm-local.sh): ${e.message}`);
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  const adapters = await createEventAdapters({ dataDir });
  assert.is(adapters.mode, 'embedded');
  const live: Event[] = [];
  await adapters.bus.subscribe((e) => live.push(e));
  const controller = new AbortController();
  const { done } = startEventPipeline({ docker, bus: adapters.bus, history: adapters.history, dataDir, signal: controller.signal, onError: () => {} });
  const name = `pipeline-${Date.now().toString(36)}`;
  try {
    await new Promise((r) => setTimeout(r, 500));
    const service = await docker.createService({
      Name: name,
      Labels: testLabels('event-pipeline'),
      TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '600'] } },
      Mode: { Replicated: { Replicas: 0 } },
    });
    const id = (service as unknown as { id: string }).id;
    await docker.getService(id).remove();
    const mine = (e: Event) => e.type === 'service' && e.actor.id === id;
    await waitFor('live create and remove', () => live.filter(mine).length >= 2, 15_000);
    await waitFor('stored events', async () => (await adapters.history.range({ type: 'service', actor: id })).events.length >= 2, 15_000);
    const stored = (await adapters.history.range({ type: 'service', actor: id })).events;
    assert.equal(stored.map((e) => e.action), ['create', 'remove']);
    assert.ok(stored.every((e) => e.scope === 'swarm' && typeof e.node === 'string' && e.node.length > 0));
    assert.equal(live.filter(mine).map((e) => e.id), stored.map((e) => e.id));
  } finally {
    controller.abort();
    await done;
    await adapters.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

pipeline.run();
