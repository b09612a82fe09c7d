/**
 * The Cassandra EventHistory (cassandra-driver). Events live in partitions of one UTC day and a bucket
 * (`hash(id) mod buckets`), clustered by (time_nano, id), so equal times never overwrite each other and a
 * redelivered event is an idempotent upsert. A small `<table>_days` table lists the days that hold events, so a
 * range reads only those partitions. Retention is a TTL from the write (`ttlSeconds`, EVENTS_TTL_DAYS).
 *
 * Type, action and actor filters are applied here, not by Cassandra: a range reads its day partitions in
 * clustering order, chunk by chunk, and keeps the rows that match. So every row a query examines is counted,
 * and a query stops after `maxRowsExamined` rows or `maxScanMs`, whichever comes first, answering the matches
 * found so far with a `next` cursor at the last row examined. A filter that matches nothing over 30 days thus
 * costs each request at most one budget, and the client pages on; with ALLOW FILTERING it made Cassandra read
 * every row of every partition in the range in one request.
 */
import { auth, Client, concurrent, errors, policies, types } from 'cassandra-driver';
import { AppError } from '../../errors.ts';
import { storedOncePerId } from '../rollout.ts';
import type { Event } from '../event.ts';
import { compareEvents, decodeCursor, encodeCursor, pageSize } from '../event-cursor.ts';
import type { EventHistory, EventPage, EventQuery } from '../event-history.ts';

export interface CassandraEventHistoryOptions {
  /** `host:port` list, e.g. from CASSANDRA_CONTACT_POINTS. */
  contactPoints: string[];
  localDataCenter: string;
  /** A role of PasswordAuthenticator (CASSANDRA_USERNAME, CASSANDRA_PASSWORD); none when unset. */
  credentials?: { username: string; password: string };
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
  /** Rows one range may examine before it answers with what it found and a `next` cursor. Default 20 000. */
  maxRowsExamined?: number;
  /** Time one range may scan before it answers likewise, in ms. Default 2000. */
  maxScanMs?: number;
  /** Rows read per partition and round trip while filtering. Default 1000. */
  scanChunkRows?: number;
  /** Told what each range cost (for tests and metrics). */
  onRange?(stats: RangeStats): void;
}

export interface RangeStats {
  rowsExamined: number;
  partitions: number;
  ms: number;
  /** 'page': the page filled; 'budget': rows or time ran out (the answer has `next`); 'end': nothing is left. */
  stopped: 'page' | 'budget' | 'end';
}

interface Row {
  t: bigint;
  id: string;
  type: string;
  action: string;
  actor: string;
  body: string;
}

const compareRows = (a: Row, b: Row): number => (a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

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

/**
 * The driver's authentication error in `e` or among its per-host errors (a failed connect), if there is one.
 * NOTE: by class, not by name: the driver names its errors after their constructors, which a minified bundle
 * renames (the stack's cassandra-init never recognised a refused login so).
 */
export const cassandraAuthError = (e: unknown): Error | undefined => {
  const inner = Object.values((e as { innerErrors?: Record<string, unknown> } | null)?.innerErrors ?? {});
  return [e, ...inner].find((x): x is Error => x instanceof errors.AuthenticationError);
};

/**
 * What went wrong connecting, naming the server and the settings to check. Built from the driver's messages,
 * which name the user at most: the password never reaches an error or a log.
 */
export const cassandraConnectError = (e: unknown, contactPoints: string[], withCredentials: boolean): Error => {
  const at = `Cassandra at ${contactPoints.join(',')}`;
  const authError = cassandraAuthError(e);
  if (authError) {
    return withCredentials
      ? new Error(`${at} refused the credentials (check CASSANDRA_USERNAME and CASSANDRA_PASSWORD): ${authError.message}`)
      : new Error(`${at} requires authentication (set CASSANDRA_USERNAME and CASSANDRA_PASSWORD): ${authError.message}`);
  }
  return new Error(`${at} is unavailable: ${e instanceof Error ? e.message : String(e)}`);
};
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
  const maxRowsExamined = options.maxRowsExamined ?? 20_000;
  const maxScanMs = options.maxScanMs ?? 2_000;
  const scanChunkRows = options.scanChunkRows ?? 1_000;
  const onRange = options.onRange ?? (() => {});

  const client = new Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    encoding: { useBigIntAsLong: true },
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    socketOptions: { readTimeout: 20_000 },
    // NOTE: the default policy backs off to 10 minutes; a restarted node must be used again within seconds.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false) },
    ...(options.credentials ? { authProvider: new auth.PlainTextAuthProvider(options.credentials.username, options.credentials.password) } : {}),
  });
  try {
    await client.connect();
  } catch (e) {
    await client.shutdown().catch(() => {});
    throw cassandraConnectError(e, options.contactPoints, options.credentials !== undefined);
  }
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

  /** Drops later copies of an event kept once per id (storedOncePerId): a swarm remove another manager stamped
   *  differently, a rollout observation or outcome published again after a restart. */
  const firstCopies = async (events: Event[]): Promise<Event[]> => {
    const out: Event[] = [];
    const seen = new Map<string, string>();
    for (const e of events) {
      if (!storedOncePerId(e)) {
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

  /**
   * Up to `limit` rows of one partition in clustering order after `lower`, up to `until`; or, `desc`, in reverse
   * order before `lower` (then an upper bound), down to `until` (then a lower bound).
   */
  const readChunk = async (
    day: number,
    bucket: number,
    lower: { t: bigint; id: string; inclusive: boolean } | undefined,
    until: bigint | undefined,
    limit: number,
    desc = false,
  ): Promise<Row[]> => {
    const where = ['day = ?', 'bucket = ?'];
    const params: unknown[] = [day, bucket];
    const [from, to] = desc ? ['<', '>='] : ['>', '<='];
    if (lower) {
      // An inclusive bound of time alone (`since`, or `until` descending) takes every id at that time.
      where.push(lower.inclusive ? `(time_nano) ${from}= (?)` : `(time_nano, id) ${from} (?, ?)`);
      params.push(lower.t, ...(lower.inclusive ? [] : [lower.id]));
    }
    if (until !== undefined) {
      // NOTE: CQL refuses single- and multi-column restrictions on the same clustering columns together.
      where.push(lower ? `(time_nano) ${to} (?)` : `time_nano ${to} ?`);
      params.push(until);
    }
    const order = desc ? ' ORDER BY time_nano DESC, id DESC' : '';
    const cql = `SELECT time_nano, id, type, action, actor_id, body FROM ${t} WHERE ${where.join(' AND ')}${order} LIMIT ${limit}`;
    const rows: Row[] = [];
    // LIMIT caps the rows and fetchSize pages them (eachRow with autoPage would over-read).
    let pageState: string | undefined;
    do {
      const rs = await client.execute(cql, params, { fetchSize: Math.min(limit, 5_000), ...(pageState ? { pageState } : {}) });
      for (const r of rs.rows) {
        rows.push({
          t: r.get('time_nano') as bigint,
          id: r.get('id') as string,
          type: r.get('type') as string,
          action: r.get('action') as string,
          actor: r.get('actor_id') as string,
          body: r.get('body') as string,
        });
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState && rows.length < limit);
    return rows.slice(0, limit);
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
      const desc = query.order === 'desc';
      // `lower` is where the scan starts (exclusive after a cursor) and `end` where it stops: ascending,
      // since → until; descending, until → since, the days and each partition read backwards.
      const [start, end] = desc ? [query.until, query.since] : [query.since, query.until];
      let lower: { t: bigint; id: string; inclusive: boolean } | undefined = cursor
        ? { t: cursor.timeNano, id: cursor.id, inclusive: false }
        : undefined;
      if (start !== undefined && (!lower || (desc ? start < lower.t : start > lower.t))) lower = { t: start, id: '', inclusive: true };
      if (end !== undefined && lower && (desc ? end > lower.t : end < lower.t)) return { events: [] };
      const fromDay = desc ? (end !== undefined ? dayOf(end) : MIN_DAY) : lower ? dayOf(lower.t) : MIN_DAY;
      const toDay = desc ? (lower ? dayOf(lower.t) : MAX_DAY) : end !== undefined ? dayOf(end) : MAX_DAY;
      const filtered = query.type !== undefined || query.action !== undefined || query.actor !== undefined;
      const matches = (r: Row) =>
        (query.type === undefined || r.type === query.type) &&
        (query.action === undefined || r.action === query.action) &&
        (query.actor === undefined || r.actor === query.actor);
      const started = Date.now();
      let examined = 0;
      let partitions = 0;
      let stopped: RangeStats['stopped'] = 'end';
      /** The last row examined: everything up to it, in every bucket, has been looked at. */
      let scanned: Row | undefined;
      const out: Event[] = [];
      const json: string[] = [];
      try {
        const days = (await client.execute(selectDays, [fromDay, toDay])).rows.map((r) => r.get('day') as number);
        if (desc) days.reverse();
        days: for (const day of days) {
          const dayLower = lower && dayOf(lower.t) === day ? lower : undefined;
          // A merge over the day's buckets, each read a chunk at a time from where it stopped.
          const parts = Array.from({ length: buckets }, () => ({ rows: [] as Row[], at: 0, done: false, from: dayLower }));
          partitions += buckets;
          for (;;) {
            // Checked before every read, day boundaries included; never before the first, so each request
            // moves the scan on.
            if (scanned && (examined >= maxRowsExamined || Date.now() - started >= maxScanMs)) {
              stopped = 'budget';
              break days;
            }
            const chunk = filtered ? scanChunkRows : limit + 1 - out.length;
            await Promise.all(
              parts.map(async (p, b) => {
                if (p.done || p.at < p.rows.length) return;
                p.rows = await readChunk(day, b, p.from, end, chunk, desc);
                p.at = 0;
                examined += p.rows.length;
                if (p.rows.length < chunk) p.done = true;
                const last = p.rows[p.rows.length - 1];
                if (last) p.from = { t: last.t, id: last.id, inclusive: false };
              }),
            );
            let refill = false;
            for (;;) {
              let best: (typeof parts)[number] | undefined;
              for (const p of parts) {
                if (p.at < p.rows.length) {
                  if (!best || compareRows(p.rows[p.at]!, best.rows[best.at]!) * (desc ? -1 : 1) < 0) best = p;
                } else if (!p.done) {
                  refill = true;
                  break;
                }
              }
              if (refill || !best) break;
              const row = best.rows[best.at++]!;
              scanned = row;
              if (!matches(row)) continue;
              out.push(JSON.parse(row.body) as Event);
              json.push(row.body);
              if (out.length > limit) {
                stopped = 'page';
                break days;
              }
            }
            if (!refill) break;
          }
        }
      } catch (e) {
        throw unavailable(e);
      } finally {
        onRange({ rowsExamined: examined, partitions, ms: Date.now() - started, stopped });
      }
      if (stopped === 'page') {
        const events = out.slice(0, limit);
        return { events, json: json.slice(0, limit), next: encodeCursor(events[events.length - 1]!) };
      }
      if (stopped === 'budget' && scanned) return { events: out, json, next: encodeCursor({ timeNano: String(scanned.t), id: scanned.id }) };
      return { events: out, json };
    },

    async close() {
      await client.shutdown();
    },
  };
};
