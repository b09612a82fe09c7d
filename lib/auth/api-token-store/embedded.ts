/**
 * The embedded ApiTokenStore: SQLite `api-tokens.db` under DATA_DIR, mode 0600 (lib/sqlite.ts). Only hashes are
 * stored, but the file still says who automates what.
 */
import { join } from 'node:path';
import { openPrivateDatabase } from '../../sqlite.ts';
import { LAST_USE_INTERVAL_MS, type ApiToken, type ApiTokenStore } from '../api-tokens.ts';

interface Row {
  id: string;
  name: string;
  owner: string;
  account_id: string;
  permissions: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}

const toToken = (row: Row): ApiToken => ({
  id: row.id,
  name: row.name,
  owner: row.owner,
  accountId: row.account_id,
  permissions: JSON.parse(row.permissions) as string[],
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
});

export function createEmbeddedApiTokenStore(options: { dataDir: string }): ApiTokenStore {
  const db = openPrivateDatabase(join(options.dataDir, 'api-tokens.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS api_tokens (
      hash TEXT PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      owner TEXT NOT NULL,
      account_id TEXT NOT NULL,
      permissions TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      last_used_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS api_tokens_owner ON api_tokens (owner, created_at);
  `);
  const insert = db.prepare(
    'INSERT INTO api_tokens (hash, id, name, owner, account_id, permissions, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare<[string], Row>('SELECT * FROM api_tokens WHERE hash = ?');
  const byOwner = db.prepare<[string], Row>('SELECT * FROM api_tokens WHERE owner = ? ORDER BY created_at, id');
  const remove = db.prepare('DELETE FROM api_tokens WHERE owner = ? AND id = ?');
  const touch = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)');
  return {
    async create(t, hash) {
      insert.run(hash, t.id, t.name, t.owner, t.accountId, JSON.stringify(t.permissions), t.createdAt, t.expiresAt, t.lastUsedAt);
    },
    async findByHash(hash) {
      const row = byHash.get(hash);
      return row ? toToken(row) : null;
    },
    async list(owner) {
      return byOwner.all(owner).map(toToken);
    },
    async revoke(owner, id) {
      return remove.run(owner, id).changes > 0;
    },
    async touch(id, at) {
      touch.run(at, id, new Date(Date.parse(at) - LAST_USE_INTERVAL_MS).toISOString());
    },
    async close() {
      db.close();
    },
  };
}
