/**
 * The MongoDB UserStore, for the cluster: one document per user in the `users` collection, the
 * username as `_id`. Tested against FerretDB 1.24 (servers.md §7), so it uses no transactions and
 * never relies on the code of a unique violation on update: every change is one single-document
 * operation (`$addToSet`, `$pull`, `$inc`), and the only unique key is `_id`, which no update touches.
 */
import type { Collection } from 'mongodb';
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { isDuplicateKey, openMongo, storeFailures, type MongoConnection } from '../../mongo.ts';
import { isPermissionString, type Permission } from '../../permissions.ts';
import type { HolderGuard, User, UserStore } from '../user-store.ts';

interface UserDocument {
  _id: string;
  /** Absent on documents from before account ids; given on first read. */
  id?: string;
  passwordHash: string;
  permissions: string[];
  tokenVersion: number;
  createdAt: string;
}

export interface MongoUserStoreOptions extends MongoConnection {
  /** Defaults to `users`. */
  collection?: string;
  /**
   * Whether changes to one user also take a lock shared by every process (see `withUserLock`). Defaults to
   * on for FerretDB (told by `buildInfo`), off for MongoDB, whose update operators are atomic on their own.
   */
  crossProcessLock?: boolean;
}

/**
 * Runs the tasks given for one key one after another, tasks for different keys concurrently.
 * NOTE: FerretDB 1.24 applies an update as a read, then an `UPDATE … WHERE _id = ?` of the whole document
 * outside any transaction (internal/handler/msg_findandmodify.go → backends/sqlite/collection.go UpdateAll),
 * so two concurrent `$addToSet`/`$inc` on one document lose one of them (measured: 20 concurrent `$inc` → +5).
 * MongoDB applies them atomically. Serialising per user keeps this process correct on both; across
 * processes only MongoDB gives atomicity (see docs/users.md).
 */
function keyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

/**
 * A guarded revoke or delete in flight: "this user is about to stop holding this permission". See
 * `withHolderGuard`.
 */
interface IntentDocument {
  _id: string;
  permission: string;
  username: string;
  expireAt: Date;
}

/** How long an intent counts when its process died before removing it. */
const INTENT_LEASE_MS = 60_000;

/** A process holding a user's lock (FerretDB only): see `withUserLock`. */
interface LockDocument {
  _id: string;
  owner: string;
  expireAt: Date;
}

/** How long a lock counts when its holder died before removing it; an update takes milliseconds. */
const LOCK_LEASE_MS = 10_000;
/** How long a change waits for another process's lock before failing with store_unavailable. */
const LOCK_WAIT_MS = 15_000;

const toUser = (doc: UserDocument & { id: string }): User => ({
  id: doc.id,
  username: doc._id,
  passwordHash: doc.passwordHash,
  permissions: (doc.permissions.filter(isPermissionString) as Permission[]).sort(),
  tokenVersion: doc.tokenVersion,
  createdAt: doc.createdAt,
});

const { unavailable, prepare } = storeFailures('user store');

/**
 * Connects (lazily, through the driver's pool) and ensures the index on `permissions`. Throws
 * AppError('store_unavailable') when no server answers within `serverSelectionTimeoutMs`.
 */
export async function createMongoUserStore(options: MongoUserStoreOptions): Promise<UserStore> {
  const { client, db } = openMongo(options);
  const collection = options.collection ?? 'users';
  const users: Collection<UserDocument> = db.collection<UserDocument>(collection);
  const intents: Collection<IntentDocument> = db.collection<IntentDocument>(`${collection}_holder_changes`);
  const locks: Collection<LockDocument> = db.collection<LockDocument>(`${collection}_locks`);
  const crossProcessLock = await prepare(client, async () => {
    // `_id` is unique already; holders() queries the permissions array (a multikey index).
    await users.createIndex({ permissions: 1 }, { name: 'permissions' });
    await intents.createIndex({ permission: 1 }, { name: 'permission' });
    return options.crossProcessLock ?? 'ferretdbVersion' in (await db.admin().command({ buildInfo: 1 }));
  });

  const queue = keyedQueue();

  /**
   * Runs `task` holding the user's lock across processes: a document in `<collection>_locks` with the username
   * as `_id`.
   * NOTE: on FerretDB an insert is the only atomic step (a unique `_id`), so the lock is taken by inserting it:
   * of two processes, exactly one insert succeeds, and the other waits until the document is gone. Every update
   * of the user then runs alone, and FerretDB's read-then-write of the document loses nothing. A lock whose
   * holder died is taken over after its lease; the lease (10 s) is far above an update (milliseconds), and a
   * holder past it would need a pause of 10 s between its read and its write.
   */
  const withUserLock = async <T>(username: string, task: () => Promise<T>): Promise<T> => {
    const owner = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        await locks.insertOne({ _id: username, owner, expireAt: new Date(Date.now() + LOCK_LEASE_MS) });
        break;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      // A lease past its end: its holder died. Removing it by owner, so a newer holder's lock is never removed
      // here except by the same takeover race, which needs two processes to find one dead lock at once.
      const held = await locks.findOne({ _id: username });
      if (held && held.expireAt.getTime() < Date.now()) await locks.deleteOne({ _id: username, owner: held.owner });
      if (Date.now() > deadline) throw new AppError('store_unavailable', `The user ${username} stays locked by another process`);
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
    }
    try {
      return await task();
    } finally {
      await locks.deleteOne({ _id: username, owner }).catch(() => {});
    }
  };

  /** One change of a user at a time: within this process always, across processes where the server needs it. */
  const serial = <T>(username: string, task: () => Promise<T>): Promise<T> =>
    queue(username, () => (crossProcessLock ? withUserLock(username, task).catch(unavailable) : task()));

  /** The document with its id, giving it one first when it predates account ids. */
  const withId = async (doc: UserDocument): Promise<UserDocument & { id: string }> => {
    if (doc.id) return doc as UserDocument & { id: string };
    // NOTE: the id is derived from the document, not drawn at random, so replicas migrating at once agree
    // even on a server (FerretDB) whose conditional update is not a compare-and-set. A user deleted and
    // created again gets a random id on create, so the derived one never names a later account.
    const id = legacyAccountId(doc);
    await users.updateOne({ _id: doc._id, id: { $exists: false } }, { $set: { id } });
    return { ...doc, id };
  };

  /**
   * Runs `change` (which makes `username` stop holding `permission`) only if someone else keeps it.
   * NOTE: FerretDB applies no update atomically, and neither it nor a standalone MongoDB has multi-document
   * transactions, so a compare-and-set on the holders is not safe there. Only inserts are atomic everywhere.
   * Each change first inserts an intent, then reads the intents, then the holders: of two concurrent changes,
   * the one reading later sees the other's intent (inserted before that one's reads), or its finished effect,
   * and counts that user as gone. So both may refuse, but never both pass and leave nobody.
   */
  const withHolderGuard = async <T>(username: string, guard: HolderGuard | undefined, change: () => Promise<T>): Promise<T> => {
    const permission = guard?.keepOneHolderOf;
    if (!permission) return change();
    const intent: IntentDocument = { _id: randomUUID(), permission, username, expireAt: new Date(Date.now() + INTENT_LEASE_MS) };
    await intents.insertOne(intent);
    try {
      const leaving = new Set(
        (await intents.find({ permission, expireAt: { $gt: new Date() } }).toArray()).map((i) => i.username),
      );
      const holders = (await users.find({ permissions: permission }, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
      if (holders.includes(username) && !holders.some((h) => !leaving.has(h))) {
        throw new AppError('last_admin', `${username} is the last user holding ${permission}`);
      }
      return await change();
    } finally {
      await intents.deleteOne({ _id: intent._id }).catch(() => {});
    }
  };

  const changePermissions = (username: string, update: object, guard?: HolderGuard): Promise<User | null> =>
    serial(username, async () => {
      try {
        const doc = await withHolderGuard(username, guard, () => users.findOneAndUpdate({ _id: username }, update, { returnDocument: 'after' }));
        return doc ? toUser(await withId(doc)) : null;
      } catch (e) {
        return unavailable(e);
      }
    });

  const bumpVersion = (username: string, set: Partial<UserDocument>): Promise<number | null> =>
    serial(username, async () => {
      try {
        const doc = await users.findOneAndUpdate(
          { _id: username },
          { ...(Object.keys(set).length ? { $set: set } : {}), $inc: { tokenVersion: 1 } },
          // NOTE: no projection: FerretDB 1.24 rejects `fields` on findAndModify (error 238, not implemented).
          { returnDocument: 'after' },
        );
        return doc ? doc.tokenVersion : null;
      } catch (e) {
        return unavailable(e);
      }
    });

  return {
    async create(user) {
      try {
        await users.insertOne({
          _id: user.username,
          id: user.id ?? randomUUID(),
          passwordHash: user.passwordHash,
          permissions: [...new Set(user.permissions)].sort(),
          tokenVersion: user.tokenVersion,
          createdAt: user.createdAt,
        });
      } catch (e) {
        if (isDuplicateKey(e)) {
          throw new AppError('user_exists', `User ${user.username} already exists`);
        }
        unavailable(e);
      }
    },
    async get(username) {
      try {
        const doc = await users.findOne({ _id: username });
        return doc ? toUser(await withId(doc)) : null;
      } catch (e) {
        return unavailable(e);
      }
    },
    async list() {
      try {
        return (await Promise.all((await users.find().sort({ _id: 1 }).toArray()).map(withId))).map(toUser);
      } catch (e) {
        return unavailable(e);
      }
    },
    async page({ limit, after }) {
      try {
        // The username is `_id`: a range of the `_id` index, read in order and cut at limit + 1.
        const docs = await users.find(after === undefined ? {} : { _id: { $gt: after } }).sort({ _id: 1 }).limit(limit + 1).toArray();
        return { users: (await Promise.all(docs.slice(0, limit).map(withId))).map(toUser), more: docs.length > limit };
      } catch (e) {
        return unavailable(e);
      }
    },
    delete: (username, guard) =>
      serial(username, async () => {
        try {
          return await withHolderGuard(username, guard, async () => (await users.deleteOne({ _id: username })).deletedCount > 0);
        } catch (e) {
          return unavailable(e);
        }
      }),
    addPermission: (username, permission: Permission) => changePermissions(username, { $addToSet: { permissions: permission } }),
    removePermission: (username, permission: Permission, guard) => changePermissions(username, { $pull: { permissions: permission } }, guard),
    setPassword: (username, passwordHash) => bumpVersion(username, { passwordHash }),
    endSessions: (username) => bumpVersion(username, {}),
    async holders(permission) {
      try {
        const docs = await users.find({ permissions: permission }, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray();
        return docs.map((d) => d._id);
      } catch (e) {
        return unavailable(e);
      }
    },
    async close() {
      // NOTE: FerretDB rejects the driver's endSessions on close; the driver ignores that.
      await client.close();
    },
  };
}

/** A stable account id for a document from before account ids, shaped like a UUID. */
function legacyAccountId(doc: UserDocument): string {
  const hex = createHash('sha256').update(`legacy-account\0${doc._id}\0${doc.createdAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
