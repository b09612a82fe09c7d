/**
 * MongoDB credentials from lib/config.ts (MONGO_USERNAME, MONGO_PASSWORD_FILE, MONGO_AUTH_SOURCE) reach the
 * server. The test server is FerretDB 1.24 on SQLite, which does NOT check passwords: it takes any PLAIN
 * credentials and refuses the SCRAM mechanisms unless its experimental new authentication is on, which the
 * embeddable package it runs from cannot switch on (docs/servers.md). So this proves only that the driver
 * authenticates as the configured user (FerretDB's connectionStatus names it), not that a server refuses a
 * wrong password or none; the stack's MongoDB (mongo:7, --keyFile and a root user) does that.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../config.ts';
import { createMongoUserStore } from './mongo.ts';

const base = process.env.MONGO_URL;
if (!base) {
  console.log('SKIPPED mongo.auth.int.test.ts: MONGO_URL is not set; start FerretDB with `bash scripts/servers.sh start ferretdb` and export what it prints (scripts/test.sh does)');
  process.exit(0);
}
const database = `users_auth_${process.pid}_${Date.now().toString(36)}`;
const hosts = /^mongodb:\/\/([^/?]+)/.exec(base)?.[1];

const test = suite<{ dir: string }>('MongoDB credentials from the settings', { dir: '' });
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'mongo-auth-'));
  writeFileSync(join(ctx.dir, 'mongo-password'), 'not-checked-by-ferretdb\n', { mode: 0o600 });
});
test.after(async ({ dir }) => {
  rmSync(dir, { recursive: true, force: true });
  const client = new MongoClient(base);
  await client.db(database).dropDatabase().catch(() => {}).finally(() => client.close());
});

test('should authenticate the stores as MONGO_USERNAME with the password from MONGO_PASSWORD_FILE', async ({ dir }) => {
  const config = loadConfig({
    DATA_DIR: dir,
    // PLAIN: the one mechanism FerretDB on SQLite answers; the stack's MongoDB negotiates SCRAM-SHA-256.
    MONGO_URL: `mongodb://${hosts}/${database}?authMechanism=PLAIN`,
    MONGO_USERNAME: 'dashboard',
    MONGO_PASSWORD_FILE: join(dir, 'mongo-password'),
    MONGO_AUTH_SOURCE: '$external',
  });
  const client = new MongoClient(config.mongoUrl!, { serverSelectionTimeoutMS: 3000 });
  try {
    const status = await client.db('admin').command({ connectionStatus: 1 });
    assert.equal(status.authInfo.authenticatedUsers, [{ user: 'dashboard', db: '$external' }]);
  } finally {
    await client.close();
  }
  const users = await createMongoUserStore({ url: config.mongoUrl! });
  try {
    await users.create({ username: 'carol', passwordHash: 'x', permissions: [], tokenVersion: 0, createdAt: new Date().toISOString() });
    assert.is((await users.get('carol'))?.username, 'carol');
  } finally {
    await users.close();
  }
});

test('should send the credentials: a mechanism the server lacks fails the start instead of connecting anonymously', async ({ dir }) => {
  const config = loadConfig({ DATA_DIR: dir, MONGO_URL: `mongodb://${hosts}/${database}`, MONGO_USERNAME: 'dashboard', MONGO_PASSWORD_FILE: join(dir, 'mongo-password') });
  const error = await createMongoUserStore({ url: config.mongoUrl!, serverSelectionTimeoutMs: 2000 }).then(
    async (store) => (await store.close(), undefined),
    (e: unknown) => e as Error & { cause?: Error },
  );
  assert.ok(error, 'connected although the credentials could not be checked');
  assert.match(String(error.cause?.message ?? error.message), /authentication mechanism/i);
  assert.not.ok(`${error.message} ${error.cause?.message}`.includes('not-checked-by-ferretdb'), 'the password in the error');
});

test.run();
