/**
 * Pushed revocation end to end: a revoke, a logout, a password change or a delete ends the user's open
 * WebSocket within 1 s, where the relay's ping tick (30 s by default, left at that here) would take up to 30 s.
 * - local mode: one real process, embedded stores, the relay on the same server;
 * - the cluster composition: a relay process (relay/main.ts) and a local-mode process sharing FerretDB, NATS
 *   and the signing secret; the change is made through the local-mode process over HTTP, the stream is on the
 *   relay process, so the news can only have come over NATS.
 * Each time measured runs from sending the request that makes the change to the close frame.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import { waitFor } from '../lib/events/test-events.ts';
import { callFunction as call, freePort, startLocalServer, type LocalServer } from '../testing/local-server.ts';

const CLOSE_WITHIN_MS = 1_000;
const EMBEDDED = { KAFKA_BROKERS: '', CASSANDRA_CONTACT_POINTS: '', MONGO_URL: '', NATS_URL: '' };


const login = async (api: string, username: string, password: string): Promise<string> => {
  const res = await call(api, 'login', undefined, { username, password });
  assert.is(res.status, 200, `login of ${username}: ${JSON.stringify(res.body)}`);
  return res.body.token as string;
};

interface Stream {
  ws: WebSocket;
  closed: Promise<{ code: number; at: number }>;
}

const openStream = async (wsUrl: string, token: string): Promise<Stream> => {
  const ws = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${token}` } });
  let live = false;
  ws.on('message', (d) => {
    if ((JSON.parse(d.toString()) as { type: string }).type === 'live') live = true;
  });
  const closed = new Promise<{ code: number; at: number }>((r) => ws.on('close', (code) => r({ code, at: Date.now() })));
  await waitFor('the stream to go live', () => live || ws.readyState === WebSocket.CLOSED, 15_000);
  assert.ok(live, 'the stream closed before going live');
  return { ws, closed };
};

/** Runs `change` and answers how long after its start the stream closed, and with which code. */
const timeToClose = async (s: Stream, change: () => Promise<void>): Promise<{ code: number; ms: number }> => {
  const t0 = Date.now();
  await change();
  const closed = await Promise.race([s.closed, new Promise<undefined>((r) => setTimeout(r, 5_000))]);
  if (!closed) {
    s.ws.terminate();
    assert.unreachable('the stream was still open 5 s after the change');
  }
  return { code: closed!.code, ms: closed!.at - t0 };
};

/** The four changes, each on a fresh stream of a user with events.read; the measured times by change. */
async function revokeLogoutPasswordDelete(api: string, wsUrl: string, admin: string, tag: string): Promise<Record<string, number>> {
  const username = `stream-${tag}`;
  let password = 'stream password 1';
  const created = await call(api, 'create-user', admin, { username, password, permissions: ['events.read'] });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const times: Record<string, number> = {};
  const expect = (what: string, r: { code: number; ms: number }, code: number) => {
    times[what] = r.ms;
    assert.is(r.code, code, `${what}: close code`);
    assert.ok(r.ms < CLOSE_WITHIN_MS, `${what}: the stream closed ${r.ms} ms after the change`);
  };

  let s = await openStream(wsUrl, await login(api, username, password));
  expect('revoke', await timeToClose(s, async () => {
    assert.is((await call(api, 'revoke-permission', admin, { username, permission: 'events.read' })).status, 200);
  }), 4403);
  assert.is((await call(api, 'grant-permission', admin, { username, permission: 'events.read' })).status, 200);

  const forLogout = await login(api, username, password);
  s = await openStream(wsUrl, forLogout);
  expect('logout', await timeToClose(s, async () => {
    assert.is((await call(api, 'logout', forLogout)).status, 204);
  }), 4401);

  const forPassword = await login(api, username, password);
  s = await openStream(wsUrl, forPassword);
  expect('password change', await timeToClose(s, async () => {
    const r = await call(api, 'change-password', forPassword, { currentPassword: password, newPassword: 'stream password 2' });
    assert.is(r.status, 200, JSON.stringify(r.body));
    password = 'stream password 2';
  }), 4401);

  s = await openStream(wsUrl, await login(api, username, password));
  expect('delete', await timeToClose(s, async () => {
    assert.is((await call(api, 'delete-user', admin, { username })).status, 204);
  }), 4401);
  return times;
}

const Local = suite('pushed revocation: local mode (embedded stores)');

Local('should close the stream within 1 s of a revoke, a logout, a password change and a delete', async () => {
  const server = await startLocalServer({ env: EMBEDDED });
  try {
    const admin = await login(server.url, server.adminUsername, server.adminPassword);
    const times = await revokeLogoutPasswordDelete(server.url, `${server.url.replace(/^http/, 'ws')}/events`, admin, 'local');
    console.log(`  local mode, ms from the request to the close: ${JSON.stringify(times)}`);
  } finally {
    await server.stop();
  }
});

const Cluster = suite('pushed revocation: a relay process and a local-mode process (FerretDB + NATS)');

Cluster('should close the stream on the relay within 1 s of a change made through the other process', async () => {
  const mongoUrl = process.env.MONGO_URL;
  const natsUrl = process.env.NATS_URL;
  assert.ok(mongoUrl && natsUrl, 'MONGO_URL and NATS_URL are required: load /work/logs/servers.env (scripts/servers.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'relay-revocation-'));
  const secretFile = join(dir, 'jwt-secret');
  writeFileSync(secretFile, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  const db = `relay_revocation_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(mongoUrl!);
  url.pathname = `/${db}`;
  // Only the user store is clustered: the event adapters stay embedded, so the test needs only two servers.
  const env = { ...EMBEDDED, MONGO_URL: url.toString(), NATS_URL: natsUrl!, JWT_SECRET_FILE: secretFile };
  let local: LocalServer | undefined;
  let relay: ChildProcess | undefined;
  let output = '';
  try {
    local = await startLocalServer({ env });
    const port = await freePort();
    relay = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dir, 'relay') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relay.stdout!.on('data', (d) => (output += d));
    relay.stderr!.on('data', (d) => (output += d));
    await waitFor('relay listening', () => output.includes('relay listening') || relay!.exitCode !== null, 30_000);
    assert.is(relay.exitCode, null, output);

    const admin = await login(local.url, local.adminUsername, local.adminPassword);
    const times = await revokeLogoutPasswordDelete(local.url, `ws://127.0.0.1:${port}/events`, admin, 'cluster');
    console.log(`  cluster, ms from the request on the local-mode process to the close on the relay: ${JSON.stringify(times)}`);
  } finally {
    if (relay && relay.exitCode === null) {
      const exited = new Promise((r) => relay!.once('exit', r));
      relay.kill('SIGTERM');
      const timer = setTimeout(() => relay!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await local?.stop();
    rmSync(dir, { recursive: true, force: true });
    const client = new MongoClient(mongoUrl!, { serverSelectionTimeoutMS: 2000 });
    await client.db(db).dropDatabase();
    await client.close();
  }
});

Local.run();
Cluster.run();
