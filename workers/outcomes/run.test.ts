import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { auditEvent } from '../../lib/events/audit.ts';
import { createMemoryEventBus } from '../../lib/events/event-bus/memory.ts';
import type { Event } from '../../lib/events/event.ts';
import { createEmbeddedEventHistory } from '../../lib/events/event-history/embedded.ts';
import { outcomeId, rolloutEvent, type RolloutObservation } from '../../lib/events/rollout.ts';
import { waitFor } from '../../lib/events/test-events.ts';
import { runOutcomeTracker } from './run.ts';

type Ctx = { dir: string };
const tracker = suite<Ctx>('runOutcomeTracker (memory bus, embedded history)', {} as Ctx);
tracker.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'outcomes-'));
});
tracker.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

const NOW = 1_800_000_000_000;
const nano = (ms: number) => BigInt(ms) * 1_000_000n;
const link = { service: 'svc1', name: 'web', version: 100 };
const write = (at: number) =>
  auditEvent({ actor: 'alice', action: 'service.update', target: { type: 'service', id: 'svc1' }, result: 'success', rollouts: [link], timeNano: nano(at) });
const seen = (over: Partial<RolloutObservation>, at: number) =>
  rolloutEvent({ service: 'svc1', name: 'web', version: 101, state: 'updating', message: '', running: 1, desired: 1, settled: false, ...over }, nano(at));

const start = async (dir: string, now: () => number, deadlineMs = 60_000) => {
  const bus = createMemoryEventBus();
  const history = createEmbeddedEventHistory({ dataDir: dir });
  const outcomes: Event[] = [];
  const controller = new AbortController();
  let started = false;
  const done = runOutcomeTracker({
    bus, history, signal: controller.signal, now, deadlineMs, sweepMs: 20, onOutcomes: (e) => outcomes.push(...e), onError: () => {}, onStarted: () => (started = true),
  });
  await waitFor('the tracker started', () => started, 5000);
  return {
    bus, history, outcomes,
    async stop() {
      controller.abort();
      await done;
      await bus.close();
      await history.close();
    },
  };
};

tracker('should record the outcome when the settled observation follows the audit entry on the bus', async ({ dir }) => {
  const t = await start(dir, () => NOW);
  try {
    const audit = write(NOW - 5000);
    await t.bus.publish([audit, seen({}, NOW - 4000)]);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(t.outcomes.length, 0);
    await t.bus.publish([seen({ version: 103, state: 'paused', message: 'update paused due to failure', settled: true }, NOW - 1000)]);
    await waitFor('an outcome', () => t.outcomes.length === 1, 5000);
    const [o] = t.outcomes;
    assert.is(o!.id, outcomeId(audit.id, 'svc1'));
    assert.is(o!.actor.attributes.outcome, 'paused');
    assert.is(o!.actor.attributes.audit, audit.id);
    assert.is(o!.timeNano, nano(NOW - 1000).toString());
  } finally {
    await t.stop();
  }
});

tracker('should resume after a restart from the history alone, and record each outcome once', async ({ dir }) => {
  const audit = write(NOW - 5000);
  const first = await start(dir, () => NOW);
  await first.bus.publish([audit, seen({}, NOW - 4000)]);
  await waitFor('the audit entry stored', async () => (await first.history.range({ type: 'audit' })).events.length === 1, 5000);
  await first.stop();
  // What a producer published while no tracker ran: only the history holds it.
  const stored = createEmbeddedEventHistory({ dataDir: dir });
  await stored.append([seen({ version: 104, state: 'completed', settled: true }, NOW - 500)]);
  await stored.close();

  const second = await start(dir, () => NOW);
  try {
    await waitFor('the outcome after the restart', () => second.outcomes.length === 1, 5000);
    assert.is(second.outcomes[0]!.actor.attributes.outcome, 'completed');
    await second.history.append(second.outcomes);
  } finally {
    await second.stop();
  }
  const third = await start(dir, () => NOW);
  try {
    await new Promise((r) => setTimeout(r, 200));
    assert.is(third.outcomes.length, 0, 'a recorded outcome is not recorded again');
  } finally {
    await third.stop();
  }
});

tracker('should record past_deadline once a rollout outlives its deadline', async ({ dir }) => {
  let now = NOW;
  const t = await start(dir, () => now, 10_000);
  try {
    const audit = write(NOW - 1000);
    await t.bus.publish([audit, seen({ running: 0 }, NOW - 500)]);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(t.outcomes.length, 0);
    now = NOW + 9_500;
    await waitFor('past_deadline', () => t.outcomes.length === 1, 5000);
    assert.is(t.outcomes[0]!.actor.attributes.outcome, 'past_deadline');
    assert.is(t.outcomes[0]!.actor.attributes.state, 'updating');
    assert.is(t.outcomes[0]!.timeNano, nano(NOW - 1000 + 10_000).toString());
  } finally {
    await t.stop();
  }
});

tracker.run();
