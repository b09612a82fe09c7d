/**
 * The embedded UserStore: one SQLite file (`users.db`, mode 0600) under DATA_DIR, for local mode.
 * better-sqlite3 is synchronous, so each method is atomic within the process; a guarded revoke or delete
 * is one IMMEDIATE transaction, so it is atomic against other processes on the same file too.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { isPermissionString, type Permission } from '../../permissions.ts';
import { openPrivateDatabase } from '../../sqlite.ts';
import type { HolderGuard, User, UserStore } from '../user-store.ts';

interface Row {
  id: string | null;
  username: string;
  password_hash: string;
  permissions: string;
  token_version: number;
  created_at: string;
}

const toUser = (row: Row & { id: string }): User => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  permissions: (JSON.parse(row.permissions) as unknown[]).filter(isPermissionString) as Permission[],
  tokenVersion: row.token_version,
  createdAt: row.created_at,
});

export function createEmbeddedUserStore(options: { dataDir: string } | { path: string }): UserStore {
  const path = 'path' in options ? options.path : join(options.dataDir, 'users.db');
  const db: Database.Database = openPrivateDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    permissions TEXT NOT NULL,
    token_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID`);
  // Files from before account ids: the column is added empty and filled on each record's first read.
  if (!(db.prepare('PRAGMA table_info(users)').all() as { name: string }[]).some((c) => c.name === 'id')) {
    db.exec('ALTER TABLE users ADD COLUMN id TEXT');
  }

  const insert = db.prepare('INSERT INTO users (id, username, password_hash, permissions, token_version, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const selectRow = db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?');
  const selectAllRows = db.prepare<[], Row>('SELECT * FROM users ORDER BY username');
  // The primary key is the username, so both read a range of the key in order, LIMIT bounding the work.
  const selectFirstPage = db.prepare<[number], Row>('SELECT * FROM users ORDER BY username LIMIT ?');
  const selectPageAfter = db.prepare<[string, number], Row>('SELECT * FROM users WHERE username > ? ORDER BY username LIMIT ?');
  const giveId = db.prepare('UPDATE users SET id = ? WHERE username = ? AND id IS NULL');
  const remove = db.prepare('DELETE FROM users WHERE username = ?');
  const setPermissions = db.prepare('UPDATE users SET permissions = ? WHERE username = ?');
  const bumpVersion = db.prepare('UPDATE users SET token_version = token_version + 1 WHERE username = ?');
  const setPassword = db.prepare('UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE username = ?');

  const withId = (row: Row): Row & { id: string } => {
    if (row.id !== null) return row as Row & { id: string };
    giveId.run(randomUUID(), row.username);
    // NOTE: another process may have given it first; the stored id is the one that counts.
    return selectRow.get(row.username) as Row & { id: string };
  };
  const readRow = (username: string) => {
    const row = selectRow.get(username);
    return row ? withId(row) : undefined;
  };
  const readAll = () => selectAllRows.all().map(withId);

  /** Throws last_admin when `username` holds the guarded permission and nobody else does. Call inside a transaction. */
  const assertOtherHolder = (username: string, guard: HolderGuard | undefined): void => {
    const permission = guard?.keepOneHolderOf;
    if (!permission) return;
    const holders = selectAllRows.all().filter((r) => (JSON.parse(r.permissions) as unknown[]).includes(permission)).map((r) => r.username);
    if (holders.includes(username) && holders.length === 1) {
      throw new AppError('last_admin', `${username} is the last user holding ${permission}`);
    }
  };

  const changePermissions = db.transaction((username: string, change: (set: Set<Permission>) => void, guard?: HolderGuard): User | null => {
    const row = readRow(username);
    if (!row) return null;
    assertOtherHolder(username, guard);
    const user = toUser(row);
    const set = new Set(user.permissions);
    change(set);
    const permissions = [...set].sort();
    setPermissions.run(JSON.stringify(permissions), username);
    return { ...user, permissions };
  });
  const guardedDelete = db.transaction((username: string, guard?: HolderGuard): boolean => {
    assertOtherHolder(username, guard);
    return remove.run(username).changes > 0;
  });

  return {
    async create(user) {
      try {
        insert.run(user.id ?? randomUUID(), user.username, user.passwordHash, JSON.stringify([...new Set(user.permissions)].sort()), user.tokenVersion, user.createdAt);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new AppError('user_exists', `User ${user.username} already exists`);
        }
        throw e;
      }
    },
    async get(username) {
      const row = readRow(username);
      return row ? toUser(row) : null;
    },
    async list() {
      return readAll().map(toUser);
    },
    async page({ limit, after }) {
      const rows = after === undefined ? selectFirstPage.all(limit + 1) : selectPageAfter.all(after, limit + 1);
      return { users: rows.slice(0, limit).map(withId).map(toUser), more: rows.length > limit };
    },
    async delete(username, guard) {
      // IMMEDIATE: the write lock is taken before the holders are read, so two processes cannot both pass.
      return guardedDelete.immediate(username, guard);
    },
    async addPermission(username, permission) {
      return changePermissions.immediate(username, (set) => set.add(permission));
    },
    async removePermission(username, permission, guard) {
      return changePermissions.immediate(username, (set) => set.delete(permission), guard);
    },
    async setPassword(username, passwordHash) {
      if (setPassword.run(passwordHash, username).changes === 0) return null;
      return selectRow.get(username)!.token_version;
    },
    async endSessions(username) {
      if (bumpVersion.run(username).changes === 0) return null;
      return selectRow.get(username)!.token_version;
    },
    async holders(permission) {
      return readAll().map(toUser).filter((u) => u.permissions.includes(permission)).map((u) => u.username);
    },
    async close() {
      db.close();
    },
  };
}
