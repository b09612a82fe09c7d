/**
 * The bounded scan of the Cassandra history, against the real server: 30 days of events, a filter that matches
 * nothing (or one event at the very end). Each request may examine at most its row budget (plus one chunk per
 * bucket) and must answer with a `next` cursor where it stopped; paging on must visit every row exactly once
 * and find what a full scan would.
 */
import { Client } from 'cassandra-driver';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../event.ts';
import type { EventHistory, EventQuery } from '../event-history.ts';
import { testEvent } from '../test-events.ts';
import { createCassandraEventHistory, type RangeStats } from './cassandra.ts';

const contactPoints = process.env.CASSANDRA_CONTACT_POINTS;
if (!contactPoints) {
  console.error('CASSANDRA_CONTACT_POINTS is not set: start Cassandra with scripts/servers/cassandra.sh start and export what it prints');
  process.exit(1);
}
const localDataCenter = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const keyspace = `events_scan_${Date.now().toString(36)}`;

const DAY_NS = 86_400_000_000_000n;
const DAYS = 30;
const PER_DAY = 400;
const ROWS = DAYS * PER_DAY + 1;
const BUDGET = 2_000;
const CHUNK = 500;
const start = (BigInt(Date.now()) * 1_000_000n / DAY_NS - BigInt(DAYS)) * DAY_NS;
const until = start + BigInt(DAYS) * DAY_NS;
const needle = testEvent(until - 1n, 999_999, { type: 'needle' });
const events: Event[] = [];
for (let d = 0; d < DAYS; d++) {
  for (let i = 0; i < PER_DAY; i++) events.push(testEvent(start + BigInt(d) * DAY_NS + BigInt(i) * 1_000_000_000n, d * PER_DAY + i));
}
events.push(needle);

interface Ctx {
  history: EventHistory;
  stats: RangeStats[];
}

let tables = 0;
const open = async (over: { buckets?: number; maxScanMs?: number; maxRowsExamined?: number } = {}): Promise<Ctx> => {
  const stats: RangeStats[] = [];
  const history = await createCassandraEventHistory({
    contactPoints: contactPoints.split(','),
    localDataCenter,
    keyspace,
    table: `scan${++tables}`,
    ttlSeconds: 3600,
    maxRowsExamined: BUDGET,
    scanChunkRows: CHUNK,
    onRange: (s) => stats.push(s),
    ...over,
  });
  return { history, stats };
};

/** Every page of `q`, following `next`; the events and each request's cost. */
const pages = async ({ history, stats }: Ctx, q: EventQuery) => {
  stats.length = 0;
  const found: Event[] = [];
  let cursor: string | undefined;
  let requests = 0;
  do {
    const page = await history.range({ ...q, ...(cursor ? { cursor } : {}) });
    found.push(...page.events);
    cursor = page.next;
    requests++;
    assert.ok(requests < 100, 'paging does not end');
  } while (cursor);
  return { found, requests, examined: stats.map((s) => s.rowsExamined), stopped: stats.map((s) => s.stopped) };
};

const Scan = suite('cassandra history: bounded filtered scans');

Scan.after(async () => {
  const client = new Client({ contactPoints: contactPoints.split(','), localDataCenter });
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).finally(() => client.shutdown());
});

for (const buckets of [1, 3]) {
  Scan(`should examine at most the row budget per request, page on with next, and find what a full scan finds (${buckets} bucket${buckets > 1 ? 's' : ''} a day)`, async () => {
    const ctx = await open({ buckets });
    try {
      await ctx.history.append(events);
      const nothing = await pages(ctx, { type: 'no-such-type', since: start, until, limit: 100 });
      assert.equal(nothing.found, []);
      const perRequest = BUDGET + CHUNK * buckets;
      assert.ok(nothing.examined.every((n) => n <= perRequest), `rows examined per request: ${nothing.examined.join(', ')}`);
      const total = nothing.examined.reduce((a, b) => a + b, 0);
      // Every row is looked at; with several buckets, rows read past the merge frontier are read again later.
      assert.ok(total >= ROWS && total <= ROWS + nothing.requests * CHUNK * buckets, `${total} rows examined in all`);
      assert.ok(nothing.stopped.slice(0, -1).every((s) => s === 'budget') && nothing.stopped.at(-1) === 'end', nothing.stopped.join());
      console.log(
        `  ${buckets} bucket(s): a filter matching nothing over ${DAYS} days (${ROWS} rows): ${nothing.requests} requests, ` +
          `rows examined per request ${Math.max(...nothing.examined)} at most (${nothing.examined.join(', ')})`,
      );

      const one = await pages(ctx, { type: 'needle', since: start, until, limit: 100 });
      assert.equal(one.found.map((e) => e.id), [needle.id]);
      const actor = await pages(ctx, { actor: 'actor-3', action: 'start', since: start, until, limit: 1000 });
      const want = events.filter((e) => e.actor.id === 'actor-3' && e.action === 'start').map((e) => e.id);
      assert.equal(actor.found.map((e) => e.id), want, 'the pages together hold every match once, in order');
    } finally {
      await ctx.history.close();
    }
  });
}

Scan('should answer within the time budget with a next cursor that resumes the scan', async () => {
  const ctx = await open({ maxScanMs: 1, maxRowsExamined: 1_000_000 });
  try {
    await ctx.history.append(events);
    const first = await ctx.history.range({ type: 'needle', since: start, until });
    assert.equal(first.events, []);
    assert.ok(first.next, 'a cursor to resume from');
    assert.is(ctx.stats[0]!.stopped, 'budget');
    assert.ok(ctx.stats[0]!.rowsExamined < ROWS, `${ctx.stats[0]!.rowsExamined} rows`);
    const all = await pages(ctx, { type: 'needle', since: start, until });
    assert.equal(all.found.map((e) => e.id), [needle.id]);
  } finally {
    await ctx.history.close();
  }
});

Scan('should not count rows against the budget when no filter is given: a page is read directly', async () => {
  const ctx = await open();
  try {
    await ctx.history.append(events.slice(0, 1_000));
    const page = await ctx.history.range({ since: start, limit: 500 });
    assert.is(page.events.length, 500);
    assert.ok(page.next);
    assert.equal(ctx.stats.map((s) => [s.stopped, s.rowsExamined]), [['page', 501]]);
  } finally {
    await ctx.history.close();
  }
});

Scan.run();
