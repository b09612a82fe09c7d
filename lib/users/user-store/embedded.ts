/**
 * The embedded UserStore: one SQLite file (`users.db`) under DATA_DIR, for local mode.
 * better-sqlite3 is synchronous, so each method is atomic within the process.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { isPermission, type Permission } from '../../permissions.ts';
import type { User, UserStore } from '../user-store.ts';

interface Row {
  username: string;
  password_hash: string;
  permissions: string;
  token_version: number;
  created_at: string;
}

const toUser = (row: Row): User => ({
  username: row.username,
  passwordHash: row.password_hash,
  permissions: (JSON.parse(row.permissions) as unknown[]).filter(isPermission),
  tokenVersion: row.token_version,
  createdAt: row.created_at,
});

export function createEmbeddedUserStore(options: { dataDir: string } | { path: string }): UserStore {
  const path = 'path' in options ? options.path : join(options.dataDir, 'users.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    permissions TEXT NOT NULL,
    token_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID`);

  const insert = db.prepare('INSERT INTO users (username, password_hash, permissions, token_version, created_at) VALUES (?, ?, ?, ?, ?)');
  const select = db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?');
  const selectAll = db.prepare<[], Row>('SELECT * FROM users ORDER BY username');
  const remove = db.prepare('DELETE FROM users WHERE username = ?');
  const setPermissions = db.prepare('UPDATE users SET permissions = ? WHERE username = ?');
  const bumpVersion = db.prepare('UPDATE users SET token_version = token_version + 1 WHERE username = ?');
  const setPassword = db.prepare('UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE username = ?');

  const changePermissions = db.transaction((username: string, change: (set: Set<Permission>) => void): User | null => {
    const row = select.get(username);
    if (!row) return null;
    const user = toUser(row);
    const set = new Set(user.permissions);
    change(set);
    const permissions = [...set].sort();
    setPermissions.run(JSON.stringify(permissions), username);
    return { ...user, permissions };
  });

  return {
    async create(user) {
      try {
        insert.run(user.username, user.passwordHash, JSON.stringify([...new Set(user.permissions)].sort()), user.tokenVersion, user.createdAt);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new AppError('user_exists', `User ${user.username} already exists`);
        }
        throw e;
      }
    },
    async get(username) {
      const row = select.get(username);
      return row ? toUser(row) : null;
    },
    async list() {
      return selectAll.all().map(toUser);
    },
    async delete(username) {
      return remove.run(username).changes > 0;
    },
    async addPermission(username, permission) {
      return changePermissions(username, (set) => set.add(permission));
    },
    async removePermission(username, permission) {
      return changePermissions(username, (set) => set.delete(permission));
    },
    async setPassword(username, passwordHash) {
      if (setPassword.run(passwordHash, username).changes === 0) return null;
      return select.get(username)!.token_version;
    },
    async endSessions(username) {
      if (bumpVersion.run(username).changes === 0) return null;
      return select.get(username)!.token_version;
    },
    async holders(permission) {
      return selectAll.all().map(toUser).filter((u) => u.permissions.includes(permission)).map((u) => u.username);
    },
    async close() {
      db.close();
    },
  };
}
