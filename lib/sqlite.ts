/**
 * Opening the embedded stores' SQLite files. They hold password hashes and the audit trail, so they are
 * created readable by the owner only (0600); SQLite gives its -wal and -shm files the mode of the database file.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens (creating if needed) the database at `path`, with the file's mode set to 0600 before SQLite opens it. */
export function openPrivateDatabase(path: string): Database.Database {
  // NOTE: created with O_CREAT and mode 0600 (not touched by a typical umask), then chmod for files made
  // before this (0644 under umask 022).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  for (const companion of [`${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(companion, 0o600);
    } catch {
      // absent: SQLite creates it with the database file's mode
    }
  }
  return new Database(path);
}
