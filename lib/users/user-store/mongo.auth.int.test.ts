/**
 * MongoDB credentials from lib/config.ts (MONGO_USERNAME, MONGO_PASSWORD_FILE, MONGO_AUTH_SOURCE) reach the
 * server, and a server that checks them refuses a store that has none or the wrong ones. The server is
 * scripts/servers/ferretdb-auth.sh: FerretDB 1.24 with its SCRAM authentication on, one user `dashboard` in
 * `admin` (the stack's MongoDB, mongo:7 with --keyFile and a root user, checks them the same way).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../config.ts';
import { createMongoUserStore } from './mongo.ts';

const base = process.env.MONGO_AUTH_URL;
const user = process.env.MONGO_AUTH_USER;
const password = process.env.MONGO_AUTH_PASSWORD;
if (!base || !user || !password) {
  console.log('SKIPPED mongo.auth.int.test.ts: MONGO_AUTH_URL is not set; start the server with `bash scripts/servers.sh start ferretdb-auth` and export what it prints (scripts/test.sh does)');
  process.exit(0);
}
const database = `users_auth_${process.pid}_${Date.now().toString(36)}`;
const hosts = /^mongodb:\/\/([^/?]+)/.exec(base)?.[1];

const test = suite<{ dir: string }>('MongoDB credentials from the settings, on a server that checks them', { dir: '' });
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'mongo-auth-'));
  writeFileSync(join(ctx.dir, 'right'), `${password}\n`, { mode: 0o600 });
  writeFileSync(join(ctx.dir, 'wrong'), 'wrong-password-for-the-test\n', { mode: 0o600 });
});
test.after(async ({ dir }) => {
  rmSync(dir, { recursive: true, force: true });
  const client = new MongoClient(base, { auth: { username: user, password }, authSource: 'admin' });
  await client.db(database).dropDatabase().catch(() => {}).finally(() => client.close());
});

const settings = (dir: string, passwordFile?: string) =>
  loadConfig({
    DATA_DIR: dir,
    MONGO_URL: `mongodb://${hosts}/${database}`,
    ...(passwordFile ? { MONGO_USERNAME: user, MONGO_PASSWORD_FILE: join(dir, passwordFile), MONGO_AUTH_SOURCE: 'admin' } : {}),
  });

/** The error a store start fails with, or undefined when it started. */
const startError = (url: string) =>
  createMongoUserStore({ url, serverSelectionTimeoutMs: 2000 }).then(
    async (store) => (await store.close(), undefined),
    (e: unknown) => e as Error & { code?: string; cause?: Error & { code?: number } },
  );

test('should authenticate the stores as MONGO_USERNAME with the password from MONGO_PASSWORD_FILE', async ({ dir }) => {
  const config = settings(dir, 'right');
  const client = new MongoClient(config.mongoUrl!, { serverSelectionTimeoutMS: 3000 });
  try {
    const status = await client.db('admin').command({ connectionStatus: 1 });
    assert.equal(status.authInfo.authenticatedUsers, [{ user, db: 'admin' }]);
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

test('should refuse a store with the wrong password, as store_unavailable, without the password in the error', async ({ dir }) => {
  const error = await startError(settings(dir, 'wrong').mongoUrl!);
  assert.ok(error, 'the store started with a wrong password');
  assert.is(error.code, 'store_unavailable');
  assert.is(error.cause?.code, 18, `not an authentication failure: ${error.cause?.message}`);
  const text = `${error.message} ${error.cause?.message} ${error.cause?.stack}`;
  assert.not.ok(text.includes('wrong-password-for-the-test'), 'the password in the error');
});

test('should refuse a store without credentials', async ({ dir }) => {
  const error = await startError(settings(dir).mongoUrl!);
  assert.ok(error, 'the store started without credentials');
  assert.is(error.code, 'store_unavailable');
  assert.match(String(error.cause?.message), /requires authentication/);
});

test.run();
