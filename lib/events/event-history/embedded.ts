/**
 * The embedded EventHistory for local mode: one SQLite file (`events.db`) in DATA_DIR, beside the users.
 * The table is clustered on (time_nano, id), so a range reads rows in order without a lookup per row; a unique
 * index on id makes a second append of one id (even with another time: a swarm remove) a no-op.
 * Retention deletes events whose time is older than `retentionDays` (EVENTS_TTL_DAYS).
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../errors.ts';
import type { Event } from '../event.ts';
import { openPrivateDatabase } from '../../sqlite.ts';
import { decodeCursor, encodeCursor, pageSize } from '../event-cursor.ts';
import type { EventHistory, EventPage, EventQuery } from '../event-history.ts';

export interface EmbeddedEventHistoryOptions {
  dataDir: string;
  /** Events older than this many days are deleted; 0 keeps everything. Default 30. */
  retentionDays?: number;
  /** How often retention runs, in ms. Default one hour. */
  retentionEveryMs?: number;
  now?: () => number;
}

/** Opens (creating if needed) `<dataDir>/events.db`. */
export const createEmbeddedEventHistory = (options: EmbeddedEventHistoryOptions): EventHistory & { prune(): number } => {
  if (!options.dataDir) throw new Error('createEmbeddedEventHistory: dataDir is required');
  const retentionDays = options.retentionDays ?? 30;
  const now = options.now ?? Date.now;
  const db = openPrivateDatabase(join(options.dataDir, 'events.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      time_nano INTEGER NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      action TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (time_nano, id)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events (id);
  `);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO events (time_nano, id, type, action, actor_id, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAll = db.transaction((events: Event[]) => {
    for (const e of events) insert.run(BigInt(e.timeNano), e.id, e.type, e.action, e.actor.id, JSON.stringify(e));
  });
  const prune = db.prepare('DELETE FROM events WHERE time_nano < ?');
  const pruneNow = (): number =>
    retentionDays > 0 ? prune.run(BigInt(now() - retentionDays * 86_400_000) * 1_000_000n).changes : 0;
  pruneNow();
  const timer = setInterval(pruneNow, options.retentionEveryMs ?? 3_600_000);
  timer.unref();

  const queries = new Map<string, Database.Statement>();
  const statementFor = (q: EventQuery, after: boolean): Database.Statement => {
    const desc = q.order === 'desc';
    const where: string[] = [];
    // Descending, the cursor's position bounds the page from above; the key is read backwards.
    if (after) where.push(desc ? '(time_nano < @t OR (time_nano = @t AND id < @id))' : '(time_nano > @t OR (time_nano = @t AND id > @id))');
    if (q.since !== undefined) where.push('time_nano >= @since');
    if (q.until !== undefined) where.push('time_nano <= @until');
    if (q.type !== undefined) where.push('type = @type');
    if (q.action !== undefined) where.push('action = @action');
    if (q.actor !== undefined) where.push('actor_id = @actor');
    const sql = `SELECT body FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${desc ? 'time_nano DESC, id DESC' : 'time_nano, id'} LIMIT @limit`;
    let stmt = queries.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      queries.set(sql, stmt);
    }
    return stmt;
  };

  const storeError = (e: unknown) =>
    e instanceof AppError ? e : new AppError('store_unavailable', 'event history unavailable', { cause: e });

  return {
    async append(events) {
      if (events.length === 0) return;
      try {
        insertAll(events);
      } catch (e) {
        throw storeError(e);
      }
    },

    async range(query): Promise<EventPage> {
      const limit = pageSize(query);
      const position = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
      const params: Record<string, unknown> = { limit: limit + 1 };
      if (position) Object.assign(params, { t: position.timeNano, id: position.id });
      if (query.since !== undefined) params.since = query.since;
      if (query.until !== undefined) params.until = query.until;
      if (query.type !== undefined) params.type = query.type;
      if (query.action !== undefined) params.action = query.action;
      if (query.actor !== undefined) params.actor = query.actor;
      let rows: Array<{ body: string }>;
      try {
        rows = statementFor(query, position !== undefined).all(params) as Array<{ body: string }>;
      } catch (e) {
        throw storeError(e);
      }
      const json = rows.slice(0, limit).map((r) => r.body);
      const events = json.map((body) => JSON.parse(body) as Event);
      const last = events[events.length - 1];
      return rows.length > limit && last ? { events, json, next: encodeCursor(last) } : { events, json };
    },

    prune: pruneNow,

    async close() {
      clearInterval(timer);
      if (db.open) db.close();
    },
  };
};
