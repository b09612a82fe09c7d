/**
 * The EventBus contract, run against every adapter (memory, Kafka). Each case gets a fresh, isolated bus
 * (for Kafka: its own topic), so cases never see each other's events.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from './event.ts';
import type { EventBusClient } from './event-bus.ts';
import { testEvent, waitFor } from './test-events.ts';

export interface BusFactory {
  /** A new bus over fresh storage, and a second client of the same storage (another process's view). */
  create(): Promise<{ bus: EventBusClient; peer: () => Promise<EventBusClient> }>;
  /** How long delivery may take. */
  timeoutMs?: number;
  /** Runs once after the suite, e.g. to delete what the cases created. */
  cleanup?(): Promise<void>;
}

const ids = (events: Event[]) => events.map((e) => e.id);
const batch = (from: number, count: number, actor?: string) =>
  Array.from({ length: count }, (_, i) => testEvent(1_700_000_000_000_000_000n + BigInt(from + i), from + i, actor ? { actor } : {}));

/** Registers and runs the contract suite for one adapter. */
export const eventBusContract = (name: string, factory: BusFactory): void => {
  const t = suite(`EventBus contract: ${name}`);
  const timeout = factory.timeoutMs ?? 5000;
  const open: EventBusClient[] = [];
  const create = async () => {
    const made = await factory.create();
    open.push(made.bus);
    return {
      bus: made.bus,
      peer: async () => {
        const p = await made.peer();
        open.push(p);
        return p;
      },
    };
  };
  t.after.each(async () => {
    await Promise.all(open.splice(0).map((b) => b.close().catch(() => {})));
  });
  t.after(async () => {
    await factory.cleanup?.();
  });

  t('should deliver every published event to every subscriber, in order per actor', async () => {
    const { bus, peer } = await create();
    const other = await peer();
    const a: Event[] = [];
    const b: Event[] = [];
    await bus.subscribe((e) => a.push(e));
    await other.subscribe((e) => b.push(e));
    const events = batch(0, 20, 'one-actor');
    await bus.publish(events.slice(0, 10));
    await bus.publish(events.slice(10));
    await waitFor('both subscribers', () => a.length >= 20 && b.length >= 20, timeout);
    assert.equal(ids(a), ids(events));
    assert.equal(ids(b), ids(events));
    assert.equal(a[3], events[3]);
  });

  t('should start a subscription at the live end and stop it on close', async () => {
    const { bus } = await create();
    await bus.publish(batch(0, 3));
    const seen: Event[] = [];
    const sub = await bus.subscribe((e) => seen.push(e));
    const live = batch(3, 2);
    await bus.publish(live);
    await waitFor('live events', () => seen.length >= 2, timeout);
    await sub.close();
    await bus.publish(batch(5, 2));
    await new Promise((r) => setTimeout(r, Math.min(timeout / 5, 500)));
    assert.equal(ids(seen), ids(live));
  });

  t('should give a consumer group every event, with earlier ones it had not consumed yet', async () => {
    const { bus } = await create();
    const got: Event[] = [];
    const sub = await bus.consume('history', async (events) => void got.push(...events));
    const events = batch(0, 50);
    await bus.publish(events);
    await waitFor('the group', () => got.length >= 50, timeout);
    assert.equal(new Set(ids(got)), new Set(ids(events)));
    await sub.close();
  });

  t('should redeliver a batch whose handler failed, so nothing is committed before the write', async () => {
    const { bus } = await create();
    const got: Event[] = [];
    let failures = 0;
    await bus.consume('history', async (events) => {
      if (failures < 2) {
        failures++;
        throw new Error('store down');
      }
      got.push(...events);
    });
    const events = batch(0, 10);
    await bus.publish(events);
    await waitFor('redelivery', () => new Set(ids(got)).size >= 10, timeout * 3);
    assert.is(failures, 2);
    assert.equal(new Set(ids(got)), new Set(ids(events)));
  });

  t('should resume a group after the last committed batch when a new member joins', async () => {
    const { bus, peer } = await create();
    const first: Event[] = [];
    const sub = await bus.consume('history', async (events) => void first.push(...events));
    await bus.publish(batch(0, 10));
    await waitFor('the first member', () => first.length >= 10, timeout);
    await sub.close();
    await bus.publish(batch(10, 10));
    const second: Event[] = [];
    const other = await peer();
    await other.consume('history', async (events) => void second.push(...events));
    await waitFor('the second member', () => second.length >= 10, timeout * 3);
    await new Promise((r) => setTimeout(r, Math.min(timeout / 5, 500)));
    assert.equal(new Set(ids(second)), new Set(ids(batch(10, 10))));
  });

  t('should give each group its own copy and share one group between members', async () => {
    const { bus, peer } = await create();
    const other = await peer();
    const m1: Event[] = [];
    const m2: Event[] = [];
    const audit: Event[] = [];
    await bus.consume('history', async (events) => void m1.push(...events));
    await other.consume('history', async (events) => void m2.push(...events));
    await bus.consume('audit', async (events) => void audit.push(...events));
    const events = Array.from({ length: 8 }, (_, k) => batch(k * 10, 10, `actor-${k}`)).flat();
    for (let k = 0; k < 8; k++) await bus.publish(events.slice(k * 10, k * 10 + 10));
    await waitFor('both groups', () => new Set(ids([...m1, ...m2])).size >= 80 && audit.length >= 80, timeout * 3);
    assert.equal(new Set(ids([...m1, ...m2])), new Set(ids(events)));
    assert.equal(new Set(ids(audit)), new Set(ids(events)));
  });

  t('should accept an empty publish', async () => {
    const { bus } = await create();
    await bus.publish([]);
  });

  t.run();
};
