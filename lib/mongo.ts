/**
 * What the MongoDB stores (users, API tokens, login attempts, alerts) share: one way to open a client with
 * bounded waits, the database a connection string names, and one mapping of driver errors to 503
 * store_unavailable. Kept in one place so a store cannot connect without the timeouts, misread a seed list
 * or a URL carrying credentials (lib/config.ts folds MONGO_USERNAME/MONGO_PASSWORD in), or leak a driver
 * error as a 500.
 */
import { MongoClient, MongoError, MongoServerError, type Db } from 'mongodb';
import { AppError } from './errors.ts';

/** The code of a unique-key violation: the only atomic "already there" signal FerretDB 1.24 gives (on `_id`). */
export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (e: unknown): boolean => e instanceof MongoServerError && e.code === DUPLICATE_KEY;

/**
 * The database a MongoDB connection string names. By hand, not with `new URL`: a seed list with ports
 * (`mongodb://a:27017,b:27017/db`) is a valid connection string but no WHATWG URL.
 */
export const mongoDatabase = (url: string, fallback = 'swarm_dashboard'): string => {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : fallback;
};

export interface MongoConnection {
  /** A `mongodb://` or `mongodb+srv://` connection string (MONGO_URL, credentials folded in by lib/config.ts). */
  url: string;
  /** Defaults to the database named in the URL, else `swarm_dashboard`. */
  database?: string;
  /** How long an operation waits for a reachable server before failing with store_unavailable (2000 ms). */
  serverSelectionTimeoutMs?: number;
}

/** A client (connecting lazily, through the driver's pool) and the store's database. */
export function openMongo(options: MongoConnection, pool: { maxPoolSize?: number } = {}): { client: MongoClient; db: Db } {
  const timeout = options.serverSelectionTimeoutMs ?? 2000;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    // NOTE: a bound on a hung server; every store query is a point lookup or a small scan.
    socketTimeoutMS: 10_000,
    ...pool,
    appName: 'swarm-dashboard',
  });
  return { client, db: client.db(options.database ?? mongoDatabase(options.url)) };
}

export interface StoreFailures {
  /** Any driver error (server selection, network, closed client, server-side failure) becomes 503 store_unavailable; others pass. */
  unavailable(e: unknown): never;
  /** Runs one store operation with that mapping. */
  guard<T>(work: () => Promise<T>): Promise<T>;
  /** Runs a store's setup (indexes); when it fails the client is closed and the error mapped. */
  prepare<T>(client: MongoClient, setup: () => Promise<T>): Promise<T>;
}

/** The error mapping for one store, named in the message: `storeFailures('user store')`. */
export function storeFailures(store: string): StoreFailures {
  const unavailable = (e: unknown): never => {
    if (e instanceof MongoError) throw new AppError('store_unavailable', `The ${store} does not answer`, { cause: e });
    throw e;
  };
  return {
    unavailable,
    async guard(work) {
      try {
        return await work();
      } catch (e) {
        return unavailable(e);
      }
    },
    async prepare(client, setup) {
      try {
        return await setup();
      } catch (e) {
        await client.close().catch(() => {});
        return unavailable(e);
      }
    },
  };
}
