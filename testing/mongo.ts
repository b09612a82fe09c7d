/**
 * Test databases on the FerretDB (or MongoDB) of MONGO_URL for the MongoDB adapters' integration tests: one
 * fresh database a case, named for this run so parallel runs and earlier runs never meet, dropped when the case
 * closes its store.
 */
import { MongoClient } from 'mongodb';
import * as assert from 'uvu/assert';
import { freePort } from './local-server.ts';

/** MONGO_URL; without it the test file exits, saying how to start a server. */
export function mongoUrl(): string {
  const url = process.env.MONGO_URL;
  if (!url) {
    console.error('MONGO_URL is not set: start FerretDB with scripts/servers/ferretdb.sh start (or npm run servers) and export what it prints');
    process.exit(1);
  }
  return url;
}

export interface TestDatabases {
  url: string;
  /** A client for looking at (and dropping) the test databases; `close()` closes it. */
  admin: MongoClient;
  /** A database name of this run: `<prefix>_<run>_<suffix>`, the suffix counting up when not given. */
  name(suffix?: string): string;
  /** `store`, whose close() also drops `database`. */
  dropping<S extends { close(): Promise<void> }>(store: S, database: string): S;
  close(): Promise<void>;
}

export function testDatabases(prefix: string): TestDatabases {
  const url = mongoUrl();
  const run = `${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  const admin = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
  return {
    url,
    admin,
    name: (suffix) => `${prefix}_${run}_${suffix ?? ++n}`,
    dropping: (store, database) => ({
      ...store,
      async close() {
        await store.close();
        await admin.db(database).dropDatabase();
      },
    }),
    close: () => admin.close(),
  };
}

/** Asserts that opening a store on a port nothing listens on fails with store_unavailable. */
export async function assertUnavailableOnClosedPort(open: (url: string) => Promise<unknown>): Promise<void> {
  const port = await freePort();
  try {
    await open(`mongodb://127.0.0.1:${port}/`);
    assert.unreachable('connected to nothing');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'store_unavailable');
  }
}
