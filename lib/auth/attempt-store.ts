/**
 * The AttemptStore port: where the login throttle keeps its counts, so that every replica sees the same ones.
 * Adapters: ./attempt-store/embedded.ts (SQLite in DATA_DIR) and ./attempt-store/mongo.ts (MongoDB). Both
 * pass ./attempt-store.contract.ts.
 *
 * A count is a set of numbered records under a key. The one atomic step is `add`: record number n of a key
 * can be added once, by one caller, across processes. It needs no atomic update, only a unique key on insert,
 * which FerretDB keeps too (it applies updates as read-then-write; see docs/users.md).
 */
export interface AttemptRecord {
  /** The record's number under its key, from 1. */
  n: number;
  /** When the attempt was reserved, ms since the epoch. */
  at: number;
  /** When the record stops counting, ms since the epoch. */
  expiresAt: number;
}

export interface AttemptStore {
  /** The records under `key`, by number; expired ones may still be listed until they are purged. */
  list(key: string): Promise<AttemptRecord[]>;
  /** Adds record `record.n` under `key`; false when that number is taken. */
  add(key: string, record: AttemptRecord): Promise<boolean>;
  /** Removes record `n` of `key`, or every record of `key`. */
  remove(key: string, n?: number): Promise<void>;
  close(): Promise<void>;
}
