/**
 * The permission broadcast over a NATS server that requires a user and password
 * (scripts/servers/nats-auth.sh, the `authorization` block of stack.yml's nats.conf): a client without
 * credentials is refused, two replicas with the credentials from lib/config.ts hear each other's invalidations,
 * and wrong credentials give a logged error naming NATS, no password, and a process that keeps running.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../config.ts';
import { waitFor } from '../../events/test-events.ts';
import type { InvalidationLog } from '../invalidations.ts';
import { createUserStore } from '../compose.ts';
import { createNatsInvalidations, natsConnectProblem } from './nats.ts';

const url = process.env.NATS_AUTH_URL;
const user = process.env.NATS_AUTH_USER;
const password = process.env.NATS_AUTH_PASSWORD;
if (!url || !user || !password) {
  console.log('SKIPPED nats.auth.int.test.ts: NATS_AUTH_URL, NATS_AUTH_USER and NATS_AUTH_PASSWORD are not set; start the server with `bash scripts/servers.sh start nats-auth` and export what it prints (scripts/test.sh does)');
  process.exit(0);
}
const subject = `test.auth.${process.pid}.${Date.now()}`;

const test = suite<{ dir: string }>('NATS permission broadcast against a server that requires credentials', { dir: '' });
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'nats-auth-'));
});
test.after(({ dir }) => rmSync(dir, { recursive: true, force: true }));

test('should refuse a client without credentials, and name NATS and the settings', async () => {
  const error = await connect({ servers: url, timeout: 2000, reconnect: false }).then(
    async (nc) => (await nc.close(), undefined),
    (e: unknown) => e,
  );
  assert.ok(error, 'connected without credentials');
  assert.is((error as { code?: string }).code, 'AUTHORIZATION_VIOLATION');
  assert.is(natsConnectProblem(error, [url], false), `NATS at ${url} requires authentication (set NATS_USER and NATS_PASSWORD, or NATS_TOKEN)`);
});

test('should carry an invalidation between two replicas with the credentials read from NATS_PASSWORD_FILE', async ({ dir }) => {
  writeFileSync(join(dir, 'nats-password'), `${password}\n`, { mode: 0o600 });
  const config = loadConfig({ DATA_DIR: dir, NATS_URL: url, NATS_USER: user, NATS_PASSWORD_FILE: join(dir, 'nats-password') });
  assert.equal(config.natsAuth, { user, pass: password });
  const logs: string[] = [];
  const log: InvalidationLog = (level, msg) => void logs.push(`${level} ${msg}`);
  const a = await createNatsInvalidations({ url: config.natsUrl!, auth: config.natsAuth!, subject, log });
  const b = await createNatsInvalidations({ url: config.natsUrl!, auth: config.natsAuth!, subject, log });
  try {
    const heard: Array<string | null> = [];
    b.subscribe((username) => void heard.push(username));
    await a.publish('alice');
    await waitFor('alice on the other replica', () => heard.includes('alice'), 5_000);
    assert.not.ok(logs.some((l) => l.startsWith('error') || l.includes('unreachable')), logs.join('\n'));
  } finally {
    await a.close();
    await b.close();
  }
});

test('should reach another replica through the user store composition a function or the relay uses', async ({ dir }) => {
  const mongo = process.env.MONGO_URL;
  if (!mongo) return console.log('SKIPPED the composition case: MONGO_URL is not set (bash scripts/servers.sh start ferretdb)');
  writeFileSync(join(dir, 'nats-password'), `${password}\n`, { mode: 0o600 });
  const database = `users_nats_auth_${process.pid}_${Date.now().toString(36)}`;
  const env = { DATA_DIR: dir, MONGO_URL: `${mongo.replace(/\/[^/]*$/, '')}/${database}`, NATS_URL: url, NATS_USER: user, NATS_PASSWORD_FILE: join(dir, 'nats-password') };
  const logs: string[] = [];
  const log: InvalidationLog = (level, msg) => void logs.push(`${level} ${msg}`);
  const a = await createUserStore(loadConfig(env, 'function'), { log });
  const b = await createUserStore(loadConfig(env, 'relay'), { log });
  try {
    const heard: Array<string | null> = [];
    b.changes.subscribe((username) => void heard.push(username));
    await a.users.create({ username: 'dave', passwordHash: 'x', permissions: [], tokenVersion: 0, createdAt: new Date().toISOString() });
    await waitFor('dave on the other replica', () => heard.includes('dave'), 5_000);
    assert.not.ok(logs.some((l) => l.startsWith('error') || l.includes('unreachable')), logs.join('\n'));
  } finally {
    await a.close();
    await b.close();
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(mongo);
    await client.db(database).dropDatabase().catch(() => {}).finally(() => client.close());
  }
});

test('should log an error naming NATS for wrong credentials, without the password, and keep running', async () => {
  const wrong = `${password}Wrong9f3a`;
  const logs: Array<{ level: string; msg: string; fields: string }> = [];
  const log: InvalidationLog = (level, msg, fields = {}) => void logs.push({ level, msg, fields: JSON.stringify(fields) });
  const t0 = Date.now();
  const invalidations = await createNatsInvalidations({ url, auth: { user, pass: wrong }, subject, log, connectTimeoutMs: 1500, retryMs: 200 });
  const ms = Date.now() - t0;
  try {
    await waitFor('the error log', () => logs.some((l) => l.level === 'error'), 5_000);
    const error = logs.find((l) => l.level === 'error')!;
    assert.match(error.msg, new RegExp(`^NATS at ${url} refused the credentials \\(check NATS_USER and NATS_PASSWORD, or NATS_TOKEN\\); retrying in the background`));
    for (const l of logs) assert.not.ok(`${l.msg} ${l.fields}`.includes(wrong) || `${l.msg} ${l.fields}`.includes(password), 'a password in a log');
    assert.is(logs.filter((l) => l.level === 'error').length, 1, 'logged once, not on every retry');
    await invalidations.publish('bob'); // never throws: the TTL bounds what other replicas miss
    assert.ok(ms < 3_000, `the factory took ${ms} ms`);
  } finally {
    await invalidations.close();
  }
});

test.run();
