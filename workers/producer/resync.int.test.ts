/**
 * The producer's list-then-watch against the real engine (local mode's composition: memory bus + SQLite history):
 * a producer that was stopped while far more changes happened than the engine's 256-event buffer holds still
 * leaves a history that agrees with the swarm once it is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTimeBound } from '../../lib/events/docker-event.ts';
import { createEventAdapters } from '../../lib/events/compose.ts';
import type { Event } from '../../lib/events/event.ts';
import type { EventHistory } from '../../lib/events/event-history.ts';
import { connectTestSwarm, mapConcurrent, sweepTestServices, TEST_IMAGE, testLabels, uniquePrefix, waitFor } from '../../testing/swarm.ts';
import { startEventPipeline } from '../event-pipeline.ts';

const SUITE_LABEL = 'producer-resync';
const docker = new Docker();
const prefix = uniquePrefix('it-resync-');

interface Listed {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: Record<string, unknown> & { Name: string; Labels?: Record<string, string> };
}

const spec = (name: string, n: number) => ({
  Name: name,
  Labels: testLabels(SUITE_LABEL, { n: String(n) }),
  TaskTemplate: { ContainerSpec: { Image: TEST_IMAGE, Command: ['sleep', '600'] } },
  Mode: { Replicated: { Replicas: 0 } },
});

const ours = async (): Promise<Listed[]> =>
  ((await docker.listServices({ filters: { label: [`test.swarm-dashboard=${SUITE_LABEL}`] } })) as unknown as Listed[]).filter((s) => s.Spec.Name.startsWith(prefix));

/** Every stored event of one type, all pages. */
const allStored = async (history: EventHistory, type: string): Promise<Event[]> => {
  const out: Event[] = [];
  let cursor: string | undefined;
  do {
    const page = await history.range({ type, limit: 5000, ...(cursor ? { cursor } : {}) });
    out.push(...page.events);
    cursor = page.next;
  } while (cursor);
  return out;
};

const resync = suite('producer resync (real engine, local mode composition)');

// Leftovers of killed runs of this suite. NOTE: at top level: uvu swallows errors thrown by hooks.
await sweepTestServices(await connectTestSwarm(), SUITE_LABEL);

resync.after(async () => {
  await mapConcurrent(await ours(), 8, (s) => docker.getService(s.ID).remove().catch(() => {}));
});

resync('should bring the history up to date after 1,000 changes made while the producer was stopped', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'resync-'));
  const adapters = await createEventAdapters({ dataDir });
  const errors: unknown[] = [];
  const run = () => {
    const controller = new AbortController();
    const { done } = startEventPipeline({ docker, bus: adapters.bus, history: adapters.history, dataDir, signal: controller.signal, onError: (e) => errors.push(e) });
    return { stop: async () => (controller.abort(), await done) };
  };
  try {
    // 1. Twenty services, seen by a running producer.
    const first = run();
    await new Promise((r) => setTimeout(r, 1000));
    const names = Array.from({ length: 20 }, (_, i) => `${prefix}s${i}`);
    await mapConcurrent(names, 8, (name, i) => docker.createService(spec(name, i)));
    const created = await ours();
    await waitFor('the creates stored', async () => {
      const ids = new Set((await allStored(adapters.history, 'service')).filter((e) => e.action === 'create').map((e) => e.actor.id));
      return created.every((s) => ids.has(s.ID));
    }, { timeoutMs: 30_000 });
    await first.stop();

    // 2. While it is stopped, 1,000 changes, ordered so that the engine's last 256 events cannot tell them all:
    // 10 removals, 20 creates, 10 more removals, then 480 updates on ten services and 480 on ten others.
    const started = Date.now();
    const later = Array.from({ length: 20 }, (_, i) => `${prefix}late${i}`);
    const doomed = [...names.slice(0, 10), ...later.slice(0, 10)];
    const doomedIds = new Map<string, string>(created.filter((s) => doomed.includes(s.Spec.Name)).map((s) => [s.Spec.Name, s.ID]));
    await mapConcurrent(names.slice(0, 10), 10, (name) => docker.getService(name).remove());
    await mapConcurrent(later, 10, (name, i) => docker.createService(spec(name, 100 + i)));
    for (const s of await ours()) if (doomed.includes(s.Spec.Name)) doomedIds.set(s.Spec.Name, s.ID);
    await mapConcurrent(later.slice(0, 10), 10, (name) => docker.getService(name).remove());
    const updateAll = (group: string[]) =>
      mapConcurrent(group, group.length, async (name) => {
        for (let k = 0; k < 48; k++) {
          const s = docker.getService(name);
          const current = (await s.inspect()) as Listed;
          await s.update({ ...current.Spec, Labels: { ...current.Spec.Labels, n: String(k) }, version: current.Version.Index });
        }
      });
    await updateAll([...names.slice(10, 15), ...later.slice(10, 15)]);
    await updateAll([...names.slice(15), ...later.slice(15)]);
    const changeMs = Date.now() - started;
    // NOTE: late0..late9 came and went while no producer watched: the engine keeps no trace of them, so the history
    // cannot either. Those the producer knew must have their remove.
    const knownRemoved = new Map([...doomedIds].filter(([name]) => names.includes(name)));
    assert.is(knownRemoved.size, 10);
    const before = (await allStored(adapters.history, 'service')).length;

    // 3. Back: the history must agree with the engine.
    const second = run();
    const alive = await ours();
    assert.is(alive.length, 20);
    const agrees = async () => {
      const stored = await allStored(adapters.history, 'service');
      const byActor = new Map<string, Event[]>();
      for (const e of stored) byActor.set(e.actor.id, [...(byActor.get(e.actor.id) ?? []), e]);
      const latest = alive.every((s) => (byActor.get(s.ID) ?? []).some((e) => BigInt(e.timeNano) === parseTimeBound(s.UpdatedAt)));
      const removed = [...knownRemoved.values()].every((id) => (byActor.get(id) ?? []).some((e) => e.action === 'remove'));
      return latest && removed ? stored : undefined;
    };
    const stored = await waitFor('the history to agree with the engine', agrees, { timeoutMs: 30_000 });
    await second.stop();

    assert.is(new Set(stored.map((e) => e.id)).size, stored.length, 'no duplicate ids');
    // No version told twice: a resync event never repeats what the engine's replay already said.
    const mine = new Set([...alive.map((s) => s.ID), ...doomedIds.values()]);
    const versions = stored.filter((e) => mine.has(e.actor.id) && e.action !== 'remove').map((e) => `${e.actor.id}@${e.timeNano}`);
    assert.is(new Set(versions).size, versions.length, 'one event per version');
    console.log(`  ${1000} changes in ${changeMs} ms; ${stored.length - before} service events stored after the restart`);

    // 4. A restart with nothing changed adds nothing: the snapshot beside the cursor matches the engine.
    const third = run();
    await new Promise((r) => setTimeout(r, 2000));
    await third.stop();
    const count = (events: Event[]) => events.filter((e) => mine.has(e.actor.id)).length;
    assert.is(count(await allStored(adapters.history, 'service')), count(stored));
  } finally {
    await adapters.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

resync.run();
