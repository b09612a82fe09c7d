import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { userStoreContract } from '../user-store.contract.ts';
import { createEmbeddedUserStore } from './embedded.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'users-'));
  dirs.push(dataDir);
  return dataDir;
};
const test = userStoreContract('embedded (SQLite)', async () => {
  const dataDir = tempDir();
  return Object.assign(createEmbeddedUserStore({ dataDir }), { second: async () => createEmbeddedUserStore({ dataDir }) });
});
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
test.run();

const file = suite('embedded UserStore file');

file('should create users.db and its WAL readable by the owner only (0600)', async () => {
  const dataDir = tempDir();
  const store = createEmbeddedUserStore({ dataDir });
  await store.create({ username: 'm', passwordHash: 'h', permissions: [], tokenVersion: 0, createdAt: '2026-01-01T00:00:00.000Z' });
  for (const name of ['users.db', 'users.db-wal']) assert.is((statSync(join(dataDir, name)).mode & 0o777).toString(8), '600', name);
  await store.close();
});

file('should make an existing 0644 users.db private when it opens it', async () => {
  const dataDir = tempDir();
  const path = join(dataDir, 'users.db');
  new Database(path).close();
  assert.is(statSync(path).mode & 0o077, 0o044 & ~process.umask() & 0o077);
  const store = createEmbeddedUserStore({ dataDir });
  assert.is((statSync(path).mode & 0o777).toString(8), '600');
  await store.close();
});

file('should give records from before account ids an id on first read, kept after', async () => {
  const dataDir = tempDir();
  const old = new Database(join(dataDir, 'users.db'));
  old.exec(`CREATE TABLE users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, permissions TEXT NOT NULL,
    token_version INTEGER NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID`);
  old.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?)').run('legacy', 'h', '["users.write"]', 3, '2025-01-01T00:00:00.000Z');
  old.close();
  const store = createEmbeddedUserStore({ dataDir });
  const user = (await store.get('legacy'))!;
  assert.equal({ ...user, id: 'x' }, { id: 'x', username: 'legacy', passwordHash: 'h', permissions: ['users.write'], tokenVersion: 3, createdAt: '2025-01-01T00:00:00.000Z' });
  assert.match(user.id, /^[\w-]{16,}$/);
  await store.close();
  const reopened = createEmbeddedUserStore({ dataDir });
  assert.is((await reopened.get('legacy'))!.id, user.id);
  assert.is((await reopened.list())[0]!.id, user.id);
  await reopened.close();
});

file.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
file.run();
