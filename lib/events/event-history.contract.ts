/**
 * The EventHistory contract, run against every adapter (embedded SQLite, Cassandra). Each case gets a fresh,
 * empty history from the factory.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAppError } from '../errors.ts';
import { eventId, formatTimeNano } from './docker-event.ts';
import type { Event } from './event.ts';
import { MAX_LIMIT, compareEvents, encodeCursor } from './event-cursor.ts';
import type { EventHistory, EventQuery } from './event-history.ts';
import { outcomeEvent, rolloutEvent } from './rollout.ts';
import { testEvent } from './test-events.ts';

export interface HistoryFactory {
  create(): Promise<EventHistory>;
  /** Runs once after the suite, e.g. to drop what the cases created. */
  cleanup?(): Promise<void>;
}

const DAY = 86_400_000_000_000n;
/** Midnight UTC, 2026-11-01. */
const T0 = 1_793_491_200_000_000_000n;
const ids = (events: Event[]) => events.map((e) => e.id);
const sorted = (events: Event[]) => [...events].sort(compareEvents);

const readAll = async (history: EventHistory, query: EventQuery): Promise<{ events: Event[]; pages: number }> => {
  const events: Event[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await history.range({ ...query, ...(cursor ? { cursor } : {}) });
    if (page.json) assert.equal(page.json, page.events.map((e) => JSON.stringify(e)), 'json is each event as stored');
    events.push(...page.events);
    cursor = page.next;
    pages++;
    if (pages > 1000) throw new Error('paging does not end');
  } while (cursor);
  return { events, pages };
};

/** Registers and runs the contract suite for one adapter. */
export const eventHistoryContract = (name: string, factory: HistoryFactory): void => {
  const t = suite(`EventHistory contract: ${name}`);
  const open: EventHistory[] = [];
  const create = async () => {
    const h = await factory.create();
    open.push(h);
    return h;
  };
  t.after.each(async () => {
    await Promise.all(open.splice(0).map((h) => h.close().catch(() => {})));
  });
  t.after(async () => {
    await factory.cleanup?.();
  });

  t('should store each event once, whether appended twice in one batch or in two', async () => {
    const h = await create();
    const events = [testEvent(T0 + 1n, 1), testEvent(T0 + 2n, 2)];
    await h.append([...events, events[0]!]);
    await h.append(events);
    const page = await h.range({});
    assert.equal(ids(page.events), ids(events));
    assert.equal(page.events[1], events[1]);
    assert.is(page.next, undefined);
  });

  t('should store a swarm remove seen by two managers with two clocks once', async () => {
    const h = await create();
    const remove = (t: bigint, node: string): Event => {
      const base = { timeNano: t.toString(), type: 'service', action: 'remove', actor: { id: 's1', attributes: { name: 'web' } }, scope: 'swarm' as const };
      return { id: eventId(base), time: formatTimeNano(t), ...base, node };
    };
    await h.append([remove(T0 + 10n, 'm1')]);
    await h.append([remove(T0 + 99n, 'm2'), remove(T0 + 5n, 'm3')]);
    const page = await h.range({});
    assert.is(page.events.length, 1);
    assert.is(page.events[0]!.node, 'm1');
  });

  t('should store a rollout observation and an outcome published again later (a restarted producer or tracker) once', async () => {
    const h = await create();
    const seen = { service: 's1', name: 'web', version: 7, state: 'completed', message: '', running: 1, desired: 1, settled: true };
    const audit: Event = { ...testEvent(T0, 1), type: 'audit', action: 'service.update', scope: 'audit' };
    const outcome = (t: bigint) => outcomeEvent(audit, { service: 's1', name: 'web', version: 7 }, { outcome: 'completed', observation: seen }, t);
    await h.append([rolloutEvent(seen, T0 + 10n, 'm1'), outcome(T0 + 20n)]);
    await h.append([rolloutEvent(seen, T0 + 500n, 'm1'), outcome(T0 + 600n)]);
    const page = await h.range({});
    assert.equal(page.events.map((e) => [e.type, e.timeNano]), [['rollout', String(T0 + 10n)], ['audit', String(T0 + 20n)]]);
  });

  t('should order events ascending by timeNano, then id, including equal times', async () => {
    const h = await create();
    const events = [
      testEvent(T0 + 5n, 1), testEvent(T0 + 5n, 2), testEvent(T0 + 5n, 3), testEvent(T0 + 1n, 4),
      testEvent(T0 + 9n, 5), testEvent(T0 + 5n, 6),
    ];
    await h.append(events);
    const page = await h.range({});
    assert.equal(ids(page.events), ids(sorted(events)));
  });

  t('should filter by type, action and actor, alone and together', async () => {
    const h = await create();
    const events = [
      testEvent(T0 + 1n, 1, { type: 'container', action: 'start', actor: 'a' }),
      testEvent(T0 + 2n, 2, { type: 'container', action: 'die', actor: 'a' }),
      testEvent(T0 + 3n, 3, { type: 'service', action: 'update', actor: 'b', scope: 'swarm' }),
      testEvent(T0 + DAY + 4n, 4, { type: 'container', action: 'start', actor: 'b' }),
    ];
    await h.append(events);
    const q = async (query: EventQuery) => ids((await h.range(query)).events);
    assert.equal(await q({ type: 'container' }), ids([events[0]!, events[1]!, events[3]!]));
    assert.equal(await q({ action: 'start' }), ids([events[0]!, events[3]!]));
    assert.equal(await q({ actor: 'b' }), ids([events[2]!, events[3]!]));
    assert.equal(await q({ type: 'container', action: 'start', actor: 'b' }), ids([events[3]!]));
    assert.equal(await q({ type: 'network' }), []);
  });

  t('should treat since and until as inclusive', async () => {
    const h = await create();
    const events = [10n, 20n, 30n, 40n].map((d, i) => testEvent(T0 + d, i));
    await h.append(events);
    const q = async (query: EventQuery) => ids((await h.range(query)).events);
    assert.equal(await q({ since: T0 + 20n }), ids(events.slice(1)));
    assert.equal(await q({ until: T0 + 30n }), ids(events.slice(0, 3)));
    assert.equal(await q({ since: T0 + 20n, until: T0 + 30n }), ids(events.slice(1, 3)));
    assert.equal(await q({ since: T0 + 20n, until: T0 + 20n }), ids(events.slice(1, 2)));
    assert.equal(await q({ since: T0 + 21n, until: T0 + 29n }), []);
    assert.equal(await q({ since: T0 + 31n, until: T0 + 20n }), []);
  });

  t('should page without gaps or repeats across day boundaries, with and without filters', async () => {
    const h = await create();
    const events: Event[] = [];
    for (let i = 0; i < 90; i++) {
      // Three days, several events per nanosecond, some right at midnight.
      const day = BigInt(i % 3);
      const at = day * DAY + (i % 4 === 0 ? 0n : BigInt(Math.floor(i / 6)));
      events.push(testEvent(T0 - DAY + at, i, { action: i % 2 ? 'start' : 'die' }));
    }
    await h.append(events.slice(0, 45));
    await h.append(events.slice(45));
    const all = await readAll(h, { limit: 7 });
    assert.equal(ids(all.events), ids(sorted(events)));
    assert.is(all.pages, Math.ceil(90 / 7));
    const starts = await readAll(h, { limit: 4, action: 'start' });
    assert.equal(ids(starts.events), ids(sorted(events.filter((e) => e.action === 'start'))));
    const window = await readAll(h, { limit: 5, since: T0, until: T0 + DAY - 1n });
    assert.equal(ids(window.events), ids(sorted(events.filter((e) => BigInt(e.timeNano) >= T0 && BigInt(e.timeNano) < T0 + DAY))));
  });

  t('should page newest first with order desc, without gaps or repeats, with filters and inclusive bounds', async () => {
    const h = await create();
    const events: Event[] = [];
    for (let i = 0; i < 60; i++) {
      const day = BigInt(i % 3);
      const at = day * DAY + (i % 4 === 0 ? 0n : BigInt(Math.floor(i / 6)));
      events.push(testEvent(T0 - DAY + at, i, { action: i % 2 ? 'start' : 'die' }));
    }
    await h.append(events);
    const newest = [...sorted(events)].reverse();
    const all = await readAll(h, { limit: 7, order: 'desc' });
    assert.equal(ids(all.events), ids(newest));
    assert.is(all.pages, Math.ceil(60 / 7));
    const first = await h.range({ limit: 3, order: 'desc' });
    assert.equal(ids(first.events), ids(newest.slice(0, 3)));
    const starts = await readAll(h, { limit: 4, action: 'start', order: 'desc' });
    assert.equal(ids(starts.events), ids(newest.filter((e) => e.action === 'start')));
    const [since, until] = [T0, T0 + DAY];
    const window = await readAll(h, { limit: 5, since, until, order: 'desc' });
    assert.equal(ids(window.events), ids(newest.filter((e) => BigInt(e.timeNano) >= since && BigInt(e.timeNano) <= until)));
    assert.ok(window.events.some((e) => BigInt(e.timeNano) === until), 'until is inclusive');
    assert.equal(ids((await h.range({ since: T0 + 2n * DAY, until: T0, order: 'desc' })).events), []);
  });

  t('should continue a cursor into events appended after the page was read', async () => {
    const h = await create();
    await h.append([testEvent(T0 + 1n, 1), testEvent(T0 + 2n, 2)]);
    const first = await h.range({ limit: 2 });
    assert.is(first.events.length, 2);
    const last = first.events[1]!;
    assert.is(first.next, undefined);
    await h.append([testEvent(T0 + 3n, 3), testEvent(T0 + 2n, 0)]);
    const rest = await h.range({ cursor: encodeCursor(last) });
    const later = sorted([testEvent(T0 + 3n, 3), testEvent(T0 + 2n, 0)]).filter((e) => compareEvents(e, last) > 0);
    assert.equal(ids(rest.events), ids(later));
  });

  t('should bound the page size: default 100, at least 1, at most MAX_LIMIT', async () => {
    const h = await create();
    const events = Array.from({ length: 150 }, (_, i) => testEvent(T0 + BigInt(i), i));
    await h.append(events);
    const byDefault = await h.range({});
    assert.is(byDefault.events.length, 100);
    assert.ok(byDefault.next);
    assert.is((await h.range({ limit: 0 })).events.length, 1);
    assert.is((await h.range({ limit: -5 })).events.length, 1);
    assert.is((await h.range({ limit: 1 })).events.length, 1);
    const big = await h.range({ limit: MAX_LIMIT * 10 });
    assert.is(big.events.length, 150);
    assert.is(big.next, undefined);
    const exact = await h.range({ limit: 150 });
    assert.is(exact.events.length, 150);
    assert.is(exact.next, undefined);
  });

  t('should reject a forged cursor with validation_failed', async () => {
    const h = await create();
    for (const cursor of ['nope', '', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
      try {
        await h.range({ cursor });
        assert.unreachable(cursor);
      } catch (e) {
        assert.ok(isAppError(e) && e.code === 'validation_failed', cursor);
      }
    }
  });

  t('should answer an empty history with an empty page', async () => {
    const h = await create();
    const page = await h.range({ since: T0 });
    assert.equal(page.events, []);
    assert.is(page.next, undefined);
  });

  t.run();
};
