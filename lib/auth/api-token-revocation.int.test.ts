/**
 * API token revocation across two real local-mode processes sharing FerretDB, NATS and the signing secret (the
 * cluster composition of the user and token stores), driven over HTTP: a token revoked on A, or capped by a
 * permission its owner lost on A, is refused by B on the very next request, with no sleep.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { callFunction as call, startLocalServer, type LocalServer } from '../../testing/local-server.ts';

const mongoUrl = process.env.MONGO_URL;
const natsUrl = process.env.NATS_URL;
if (!mongoUrl || !natsUrl) {
  console.error(`${mongoUrl ? 'NATS_URL' : 'MONGO_URL'} is not set: load /work/logs/servers.env (or scripts/servers.sh) first`);
  process.exit(1);
}


const test = suite('API token revocation across two local-mode processes (HTTP, FerretDB + NATS)');

test('should refuse on B, on the next request, a token revoked on A, and a permission its owner lost on A', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-revocation-'));
  const secretFile = join(dir, 'jwt-secret');
  writeFileSync(secretFile, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  const db = `api_tokens_processes_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(mongoUrl);
  url.pathname = `/${db}`;
  const env = { MONGO_URL: url.toString(), NATS_URL: natsUrl, JWT_SECRET_FILE: secretFile, KAFKA_BROKERS: '', CASSANDRA_CONTACT_POINTS: '' };
  const servers: LocalServer[] = [];
  try {
    servers.push(await startLocalServer({ env }));
    servers.push(await startLocalServer({ env }));
    const [a, b] = servers as [LocalServer, LocalServer];
    const login = await call(a, 'login', undefined, { username: a.adminUsername, password: a.adminPassword });
    const admin = login.body.token as string;
    assert.is((await call(a, 'create-user', admin, { username: 'tok-bob', password: 'bob password 1', permissions: ['users.read', 'services.read'] })).status, 201);
    const bob = (await call(a, 'login', undefined, { username: 'tok-bob', password: 'bob password 1' })).body.token as string;

    const made = await call(a, 'create-api-token', bob, { name: 'ci', permissions: ['users.read', 'services.read'] });
    assert.is(made.status, 201, JSON.stringify(made.body));
    const { id, token } = made.body as { id: string; token: string };
    for (let i = 0; i < 3; i++) assert.is((await call(b, 'list-users', token)).status, 200, `use ${i} on B`);

    // The owner loses users.read on A: the token loses it on B (the user cache's NATS invalidation).
    assert.is((await call(a, 'revoke-permission', admin, { username: 'tok-bob', permission: 'users.read' })).status, 200);
    assert.is((await call(b, 'list-users', token)).status, 403, 'B still let the token use what its owner lost');
    const who = await call(b, 'whoami', token);
    assert.equal(who.body, { username: 'tok-bob', permissions: ['services.read'] });

    // The token is revoked on A: B refuses it on the next request.
    assert.is((await call(a, 'revoke-api-token', bob, { id })).status, 204);
    const after = await call(b, 'whoami', token);
    assert.is(after.status, 401, 'B still honoured the revoked token');
    assert.is(after.body.error.code, 'unauthenticated');
    // and the list on B no longer shows it
    assert.equal((await call(b, 'list-api-tokens', bob)).body.tokens, []);
  } finally {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
    const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 2000 });
    await client.db(db).dropDatabase();
    await client.close();
  }
});

test.run();
