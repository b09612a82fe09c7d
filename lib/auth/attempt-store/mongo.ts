/**
 * The MongoDB AttemptStore: one document per record in `login_attempts`, `_id` = `<key>#<n>`, so the unique
 * `_id` makes `add` atomic on MongoDB and on FerretDB alike. A TTL index on `expireAt` removes old records
 * where the server has one (FerretDB 1.24 has none: "expireAfterSeconds is not implemented"), and the store
 * also purges expired records itself, at most once a minute; expired records never count either way.
 */
import { MongoServerError, type Collection } from 'mongodb';
import { isDuplicateKey, openMongo, storeFailures, type MongoConnection } from '../../mongo.ts';
import type { AttemptRecord, AttemptStore } from '../attempt-store.ts';

interface AttemptDocument {
  _id: string;
  key: string;
  n: number;
  at: number;
  expireAt: Date;
}

const { unavailable } = storeFailures('login throttle store');

export interface MongoAttemptStoreOptions extends MongoConnection {
  collection?: string;
  now?: () => number;
}

/** Connects lazily: a process that never checks a password never opens a connection. */
export function createMongoAttemptStore(options: MongoAttemptStoreOptions): AttemptStore {
  const now = options.now ?? Date.now;
  // NOTE: a small pool queues a burst in the driver instead of piling it on the server (FerretDB on SQLite
  // timed out connections under 300 parallel logins with the default 100).
  const { client, db } = openMongo(options, { maxPoolSize: 10 });
  const attempts: Collection<AttemptDocument> = db.collection<AttemptDocument>(options.collection ?? 'login_attempts');
  let ready: Promise<void> | undefined;
  const prepare = () =>
    (ready ??= (async () => {
      await attempts.createIndex({ key: 1, n: 1 }, { name: 'key_n' });
      try {
        await attempts.createIndex({ expireAt: 1 }, { name: 'expire', expireAfterSeconds: 0 });
      } catch (e) {
        if (!(e instanceof MongoServerError && /not implemented/i.test(e.message))) throw e;
      }
    })().catch((e) => {
      ready = undefined;
      throw e;
    }));
  let lastPurge = 0;
  const purge = () => {
    if (now() - lastPurge < 60_000) return;
    lastPurge = now();
    void attempts.deleteMany({ expireAt: { $lte: new Date(lastPurge) } }).catch(() => {});
  };

  return {
    async list(key) {
      try {
        await prepare();
        purge();
        const docs = await attempts.find({ key }).sort({ n: 1 }).toArray();
        return docs.map((d): AttemptRecord => ({ n: d.n, at: d.at, expiresAt: d.expireAt.getTime() }));
      } catch (e) {
        return unavailable(e);
      }
    },
    async add(key, record) {
      try {
        await prepare();
        await attempts.insertOne({ _id: `${key}#${record.n}`, key, n: record.n, at: record.at, expireAt: new Date(record.expiresAt) });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        return unavailable(e);
      }
    },
    async remove(key, n) {
      try {
        await (n === undefined ? attempts.deleteMany({ key }) : attempts.deleteOne({ _id: `${key}#${n}` }));
      } catch (e) {
        unavailable(e);
      }
    },
    async close() {
      await client.close();
    },
  };
}
