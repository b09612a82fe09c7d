/**
 * The Cassandra EventHistory (cassandra-driver). Events live in partitions of one UTC day and a bucket
 * (`hash(id) mod buckets`), clustered by (time_nano, id), so equal times never overwrite each other and a
 * redelivered event is an idempotent upsert. A small `<table>_days` table lists the days that hold events, so a
 * range reads only those partitions. Retention is a TTL from the write (`ttlSeconds`, EVENTS_TTL_DAYS).
 * Type, action and actor filters run in CQL inside each partition (ALLOW FILTERING, never across partitions).
 */
import { Client, concurrent, policies, types } from 'cassandra-driver';
import { AppError } from '../../errors.ts';
import { isTimeIndependent } from '../docker-event.ts';
import type { Event } from '../event.ts';
import { compareEvents, decodeCursor, encodeCursor, pageSize } from '../event-cursor.ts';
import type { EventHistory, EventPage, EventQuery } from '../event-history.ts';

export interface CassandraEventHistoryOptions {
  /** `host:port` list, e.g. from CASSANDRA_CONTACT_POINTS. */
  contactPoints: string[];
  localDataCenter: string;
  keyspace?: string;
  /** Replication factor when the keyspace is created (SimpleStrategy). Default 1. */
  replicationFactor?: number;
  /** Base table name; `<table>_days` and `<table>_ids` go with it. Default `events`. */
  table?: string;
  /** Partitions per day. Fixed once data is written. Default 1: one day of dashboard events fits one partition. */
  buckets?: number;
  /** Time to live of each row, from its write. Default 30 days; 0 keeps rows forever. */
  ttlSeconds?: number;
  /** Statements (single-partition batches) in flight during an append. Default 8. */
  concurrency?: number;
}

const DAY_NS = 86_400_000_000_000n;
const MIN_DAY = 0;
const MAX_DAY = 106_751; // the last day an int64 of nanoseconds reaches
const dayOf = (timeNano: bigint): number => Number(timeNano / DAY_NS);
const bucketOf = (id: string, buckets: number): number => {
  if (buckets <= 1) return 0;
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return Math.abs(h) % buckets;
};
const NAME = /^[a-z][a-z0-9_]{0,40}$/;
const BATCH_BYTES = 30_000;

/** Connects, creates the keyspace and tables if missing, and prepares the statements. */
export const createCassandraEventHistory = async (options: CassandraEventHistoryOptions): Promise<EventHistory> => {
  if (!options.contactPoints?.length) throw new Error('createCassandraEventHistory: contactPoints are required (CASSANDRA_CONTACT_POINTS)');
  if (!options.localDataCenter) throw new Error('createCassandraEventHistory: localDataCenter is required (CASSANDRA_LOCAL_DC)');
  const keyspace = options.keyspace ?? 'swarm_dashboard';
  const table = options.table ?? 'events';
  if (!NAME.test(keyspace) || !NAME.test(table)) throw new Error('createCassandraEventHistory: invalid keyspace or table name');
  const rf = options.replicationFactor ?? 1;
  const buckets = options.buckets ?? 1;
  const ttl = options.ttlSeconds ?? 30 * 86_400;
  const concurrency = options.concurrency ?? 8;

  const client = new Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    encoding: { useBigIntAsLong: true },
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    socketOptions: { readTimeout: 20_000 },
    // NOTE: the default policy backs off to 10 minutes; a restarted node must be used again within seconds.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false) },
  });
  await client.connect();
  const schema = async (cql: string) => client.execute(cql, [], { prepare: false });
  await schema(
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${Number(rf)}}`,
  );
  const t = `${keyspace}.${table}`;
  await schema(`CREATE TABLE IF NOT EXISTS ${t} (
      day int, bucket int, time_nano bigint, id text, type text, action text, actor_id text, body text,
      PRIMARY KEY ((day, bucket), time_nano, id)
    ) WITH CLUSTERING ORDER BY (time_nano ASC, id ASC)
      AND compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': 1}`);
  await schema(`CREATE TABLE IF NOT EXISTS ${t}_days (shard int, day int, PRIMARY KEY (shard, day))`);
  await schema(`CREATE TABLE IF NOT EXISTS ${t}_ids (id text PRIMARY KEY, time_nano bigint)`);

  const using = ttl > 0 ? ` USING TTL ${Number(ttl)}` : '';
  const insertEvent = `INSERT INTO ${t} (day, bucket, time_nano, id, type, action, actor_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)${using}`;
  const insertDay = `INSERT INTO ${t}_days (shard, day) VALUES (0, ?)${using}`;
  const insertId = `INSERT INTO ${t}_ids (id, time_nano) VALUES (?, ?)${using}`;
  const selectId = `SELECT time_nano FROM ${t}_ids WHERE id = ?`;
  const selectDays = `SELECT day FROM ${t}_days WHERE shard = 0 AND day >= ? AND day <= ?`;

  const unavailable = (e: unknown) =>
    e instanceof AppError ? e : new AppError('store_unavailable', 'event history unavailable', { cause: e });

  /** Drops copies of a time-independent event (a swarm remove) that another manager stamped differently. */
  const firstCopies = async (events: Event[]): Promise<Event[]> => {
    const out: Event[] = [];
    const seen = new Map<string, string>();
    for (const e of events) {
      if (!isTimeIndependent(e)) {
        out.push(e);
        continue;
      }
      let stored = seen.get(e.id);
      if (stored === undefined) {
        const rs = await client.execute(selectId, [e.id]);
        const row = rs.first();
        if (row) stored = String(row.get('time_nano'));
        else {
          await client.execute(insertId, [e.id, BigInt(e.timeNano)]);
          stored = e.timeNano;
        }
        seen.set(e.id, stored);
      }
      // The same copy again (a redelivery) is rewritten, in case the first write died after the id row.
      if (stored === e.timeNano) out.push(e);
    }
    return out;
  };

  const rowOf = (row: types.Row): Event => JSON.parse(row.get('body') as string) as Event;

  /** Rows of one partition after `lower`, up to `until`, matching the filters, at most `limit`. */
  const readPartition = async (
    day: number,
    bucket: number,
    lower: { t: bigint; id: string; inclusive: boolean } | undefined,
    q: EventQuery,
    limit: number,
  ): Promise<Event[]> => {
    const where = ['day = ?', 'bucket = ?'];
    const params: unknown[] = [day, bucket];
    if (lower) {
      where.push(lower.inclusive ? '(time_nano, id) >= (?, ?)' : '(time_nano, id) > (?, ?)');
      params.push(lower.t, lower.id);
    }
    if (q.until !== undefined) {
      // NOTE: CQL refuses single- and multi-column restrictions on the same clustering columns together.
      where.push(lower ? '(time_nano) <= (?)' : 'time_nano <= ?');
      params.push(q.until);
    }
    let filtered = false;
    for (const [column, value] of [['type', q.type], ['action', q.action], ['actor_id', q.actor]] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
      filtered = true;
    }
    const cql = `SELECT body FROM ${t} WHERE ${where.join(' AND ')} LIMIT ${limit}${filtered ? ' ALLOW FILTERING' : ''}`;
    const events: Event[] = [];
    // eachRow with autoPage would over-read; LIMIT caps the rows and fetchSize pages them.
    let pageState: string | undefined;
    do {
      const rs = await client.execute(cql, params, { fetchSize: Math.min(limit, 10_000), ...(pageState ? { pageState } : {}) });
      for (const row of rs.rows) events.push(rowOf(row));
      pageState = rs.pageState ?? undefined;
    } while (pageState && events.length < limit);
    return events.slice(0, limit);
  };

  return {
    async append(events) {
      if (events.length === 0) return;
      try {
        const unique = await firstCopies(events);
        const days = [...new Set(unique.map((e) => dayOf(BigInt(e.timeNano))))];
        // Days first: a reader that finds an event must also find its day.
        await concurrent.executeConcurrent(client, insertDay, days.map((d) => [d]), { concurrencyLevel: concurrency, raiseOnFirstError: true });
        // One unlogged batch per partition and ~30 KB: a single mutation for Cassandra, far cheaper than one
        // statement per row (below batch_size_fail_threshold, 50 KiB by default).
        const batches: Array<Array<{ query: string; params: unknown[] }>> = [];
        const open = new Map<string, { rows: Array<{ query: string; params: unknown[] }>; bytes: number }>();
        for (const e of unique) {
          const time = BigInt(e.timeNano);
          const day = dayOf(time);
          const bucket = bucketOf(e.id, buckets);
          const body = JSON.stringify(e);
          const key = `${day}:${bucket}`;
          let b = open.get(key);
          if (!b || b.bytes + body.length > BATCH_BYTES) {
            b = { rows: [], bytes: 0 };
            open.set(key, b);
            batches.push(b.rows);
          }
          b.rows.push({ query: insertEvent, params: [day, bucket, time, e.id, e.type, e.action, e.actor.id, body] });
          b.bytes += body.length + 100;
        }
        let next = 0;
        const worker = async () => {
          while (next < batches.length) {
            const rows = batches[next++]!;
            await client.batch(rows, { prepare: true, logged: false });
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
      } catch (e) {
        throw unavailable(e);
      }
    },

    async range(query): Promise<EventPage> {
      const limit = pageSize(query);
      const cursor = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
      let lower: { t: bigint; id: string; inclusive: boolean } | undefined = cursor
        ? { t: cursor.timeNano, id: cursor.id, inclusive: false }
        : undefined;
      if (query.since !== undefined && (!lower || query.since > lower.t)) lower = { t: query.since, id: '', inclusive: true };
      if (query.until !== undefined && lower && query.until < lower.t) return { events: [] };
      const fromDay = lower ? dayOf(lower.t) : MIN_DAY;
      const toDay = query.until !== undefined ? dayOf(query.until) : MAX_DAY;
      try {
        const days = (await client.execute(selectDays, [fromDay, toDay])).rows.map((r) => r.get('day') as number);
        const out: Event[] = [];
        for (const day of days) {
          const want = limit + 1 - out.length;
          const dayLower = lower && dayOf(lower.t) === day ? lower : undefined;
          const parts = await Promise.all(
            Array.from({ length: buckets }, (_, b) => readPartition(day, b, dayLower, query, want)),
          );
          out.push(...parts.flat().sort(compareEvents).slice(0, want));
          if (out.length > limit) break;
        }
        const events = out.slice(0, limit);
        const last = events[events.length - 1];
        return out.length > limit && last ? { events, next: encodeCursor(last) } : { events };
      } catch (e) {
        throw unavailable(e);
      }
    },

    async close() {
      await client.shutdown();
    },
  };
};
