/**
 * The embedded AttemptStore: `throttle.db` (mode 0600) in DATA_DIR. `INSERT OR IGNORE` on the primary key
 * (key, n) is the atomic step, within the process and against other processes on the same file.
 */
import { join } from 'node:path';
import { openPrivateDatabase } from '../../sqlite.ts';
import type { AttemptRecord, AttemptStore } from '../attempt-store.ts';

export function createEmbeddedAttemptStore(options: { dataDir: string; now?: () => number; purgeEveryMs?: number }): AttemptStore {
  const now = options.now ?? Date.now;
  const db = openPrivateDatabase(join(options.dataDir, 'throttle.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS attempts (
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (key, n)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS attempts_expiry ON attempts (expires_at);`);
  const select = db.prepare<[string], { n: number; at: number; expires_at: number }>('SELECT n, at, expires_at FROM attempts WHERE key = ? ORDER BY n');
  const insert = db.prepare('INSERT OR IGNORE INTO attempts (key, n, at, expires_at) VALUES (?, ?, ?, ?)');
  const removeOne = db.prepare('DELETE FROM attempts WHERE key = ? AND n = ?');
  const removeAll = db.prepare('DELETE FROM attempts WHERE key = ?');
  const purge = db.prepare('DELETE FROM attempts WHERE expires_at <= ?');
  const timer = setInterval(() => purge.run(now()), options.purgeEveryMs ?? 60_000);
  timer.unref();

  return {
    async list(key) {
      return select.all(key).map((r): AttemptRecord => ({ n: r.n, at: r.at, expiresAt: r.expires_at }));
    },
    async add(key, record) {
      return insert.run(key, record.n, record.at, record.expiresAt).changes === 1;
    },
    async remove(key, n) {
      if (n === undefined) removeAll.run(key);
      else removeOne.run(key, n);
    },
    async close() {
      clearInterval(timer);
      db.close();
    },
  };
}
