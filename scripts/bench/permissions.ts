/**
 * `npm run bench:permissions`: what the per-request permission check costs, and how fast a revoke reaches
 * another replica. Needs MONGO_URL and NATS_URL (`bash scripts/servers.sh start ferretdb nats`).
 *
 * 1. Check cost: `authenticator.authenticate(token)` on a valid token (HS256 verify + `users.get`), run one
 *    after another, with the users in: the embedded SQLite store (local mode), MongoDB (FerretDB) uncached,
 *    and MongoDB behind the permission cache (warm). `tokens.verify` alone is measured too, to separate the
 *    store's share.
 * 2. Invalidation latency: two replicas in this process, each with its own MongoDB client, cache and NATS
 *    connection. Per round: grant on A, B authenticates (so B caches the grant), revoke on A, then B
 *    authenticates in a loop until it refuses. Reported from the start of the revoke call, and from the moment
 *    the revoke answered (0 when B already refused on its first request after the answer); and the bare NATS
 *    hop (A's publish → B's handler). Both replicas share this process's event loop (and the machine's 2 cores).
 *
 * 3. The same over HTTP: two local-mode processes (`local/main.ts`) sharing a fresh database, NATS and the
 *    signing secret. Per round: grant through A, the user's list-users on B answers 200, revoke through A, then
 *    list-users on B until it answers 403.
 *
 * Options (env): BENCH_CHECKS (5000; the uncached Mongo runs do a fifth), BENCH_REVOKES (300),
 * BENCH_HTTP_REVOKES (200; 0 skips part 3).
 * Everything runs on 127.0.0.1; the Mongo database and the SQLite file are removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { createAuthenticator, type Authenticator } from '../../lib/auth/authenticator.ts';
import { callFunction as call, startLocalServer, type LocalServer } from '../../testing/local-server.ts';
import { createTokenService } from '../../lib/auth/tokens.ts';
import type { Invalidations } from '../../lib/users/invalidations.ts';
import { createMemoryInvalidations } from '../../lib/users/invalidations/memory.ts';
import { createNatsInvalidations } from '../../lib/users/invalidations/nats.ts';
import { createCachedUserStore } from '../../lib/users/permission-cache.ts';
import type { NewUser, UserStore } from '../../lib/users/user-store.ts';
import { createEmbeddedUserStore } from '../../lib/users/user-store/embedded.ts';
import { createMongoUserStore } from '../../lib/users/user-store/mongo.ts';

const mongoUrl = process.env['MONGO_URL'];
const natsUrl = process.env['NATS_URL'];
if (!mongoUrl || !natsUrl) {
  console.error('MONGO_URL and NATS_URL must be set: eval "$(bash scripts/servers.sh start ferretdb nats | sed s/^/export\\ /)"');
  process.exit(2);
}
const CHECKS = Number(process.env['BENCH_CHECKS'] ?? 5000);
const REVOKES = Number(process.env['BENCH_REVOKES'] ?? 300);
const HTTP_REVOKES = Number(process.env['BENCH_HTTP_REVOKES'] ?? 200);
const database = `bench_permissions_${process.pid}`;

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { n: sorted.length, mean: round(mean), p50: round(pct(sorted, 50)), p99: round(pct(sorted, 99)), max: round(sorted.at(-1)!) };
};
const tick = () => new Promise<void>((r) => setImmediate(r));

const tokens = createTokenService({ secret: new Uint8Array(randomBytes(32)) });
const benchUser = (username: string): NewUser => ({
  id: `acct-${username}`,
  username,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  permissions: ['services.read', 'events.read', 'nodes.read'],
  tokenVersion: 0,
  createdAt: new Date().toISOString(),
});

/** µs per call of `fn`, one call after another. */
async function perCall(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) * 1000);
  }
  return samples;
}

const results: Record<string, unknown> = {
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  loadavg: loadavg().map((l) => round(l, 2)),
  checks: CHECKS,
  revokes: REVOKES,
};
const dir = mkdtempSync(join(tmpdir(), 'bench-permissions-'));
const closers: Array<() => Promise<void>> = [];

try {
  // 1. Cost of the check per request. The runs are interleaved in rounds, so a load burst from other work on
  // the machine spreads over every variant instead of landing on one.
  const { token } = await tokens.issue({ username: 'bench', accountId: 'acct-bench', tokenVersion: 0 });
  const embedded = createEmbeddedUserStore({ dataDir: dir });
  closers.push(() => embedded.close());
  await embedded.create(benchUser('bench'));
  const mongo = await createMongoUserStore({ url: mongoUrl, database });
  closers.push(() => mongo.close());
  await mongo.create(benchUser('bench'));
  const cachedInner = await createMongoUserStore({ url: mongoUrl, database });
  const cached = createCachedUserStore(cachedInner, { invalidations: createMemoryInvalidations(), ttlMs: 5000 });
  closers.push(() => cached.close());

  const authFor = async (users: UserStore) => {
    const auth: Authenticator = createAuthenticator({ tokens, users });
    if (!(await auth.authenticate(token)).permissions.includes('events.read')) throw new Error('the bench user lacks events.read');
    return () => auth.authenticate(token);
  };
  const variants: Array<[string, () => Promise<unknown>, number]> = [
    ['tokens.verify alone', () => tokens.verify(token), CHECKS],
    ['embedded (SQLite)', await authFor(embedded), CHECKS],
    ['mongo (FerretDB), no cache', await authFor(mongo), Math.max(200, Math.round(CHECKS / 5))],
    ['mongo (FerretDB) + cache, warm', await authFor(cached), CHECKS],
    ['users.get alone: embedded', () => embedded.get('bench'), CHECKS],
    ['users.get alone: mongo (FerretDB)', () => mongo.get('bench'), Math.max(200, Math.round(CHECKS / 5))],
    ['users.get alone: cache hit', () => cached.get('bench'), CHECKS],
  ];
  const ROUNDS = 5;
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, fn] of variants) for (let i = 0; i < 200; i++) await fn();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn, n] of variants) samples.get(name)!.push(...(await perCall(Math.ceil(n / ROUNDS), fn)));
  }
  results['check cost (µs per authenticate)'] = Object.fromEntries([...samples].map(([name, s]) => [name, summary(s)]));

  // 2. Invalidation latency across two replicas over NATS
  let publishedAt = 0;
  const replica = async () => {
    const inner = await createMongoUserStore({ url: mongoUrl, database });
    const nats = await createNatsInvalidations({ url: natsUrl });
    const invalidations: Invalidations = {
      ...nats,
      publish(username) {
        publishedAt = performance.now();
        return nats.publish(username);
      },
    };
    const users = createCachedUserStore(inner, { invalidations, ttlMs: 5000 });
    closers.push(async () => {
      await users.close();
      await invalidations.close();
    });
    return { users, invalidations, auth: createAuthenticator({ tokens, users }) };
  };
  const a = await replica();
  const b = await replica();
  let arrivedAt = 0;
  b.invalidations.subscribe((username) => {
    if (username === 'bench') arrivedAt = performance.now();
  });
  const fromStart: number[] = [];
  const fromAnswer: number[] = [];
  const hop: number[] = [];
  const polls: number[] = [];
  let refusedAtOnce = 0;
  let grantsLate = 0;
  for (let i = 0; i < REVOKES; i++) {
    await a.users.addPermission('bench', 'users.read');
    // The grant races NATS the same way; wait for B to see it (counted) so every round starts from a cached grant.
    for (let first = true; !(await b.auth.authenticate(token)).permissions.includes('users.read'); first = false) {
      if (first) grantsLate++;
      await tick();
    }
    arrivedAt = 0;
    const started = performance.now();
    await a.users.removePermission('bench', 'users.read');
    const answered = performance.now();
    let n = 0;
    for (;;) {
      n++;
      if (!(await b.auth.authenticate(token)).permissions.includes('users.read')) break;
      if (performance.now() - answered > 10_000) throw new Error(`round ${i}: B still allows the revoked permission after 10 s`);
      await tick();
    }
    const refused = performance.now();
    if (n === 1) refusedAtOnce++;
    fromStart.push(refused - started);
    fromAnswer.push(n === 1 ? 0 : refused - answered);
    polls.push(n);
    if (arrivedAt) hop.push(arrivedAt - publishedAt);
  }
  results['invalidation latency (ms)'] = {
    'revoke start → B refuses': summary(fromStart),
    'revoke answered → B refuses': summary(fromAnswer),
    'A publishes → B handles the invalidation (NATS hop)': summary(hop),
    'B refused on its first request after the answer': `${refusedAtOnce}/${REVOKES}`,
    'grants B saw only on a later request': `${grantsLate}/${REVOKES}`,
  };

  // 3. The same over HTTP: two local-mode processes sharing the database, NATS and the signing secret.
  if (HTTP_REVOKES > 0) {
    const secretFile = join(dir, 'jwt-secret');
    writeFileSync(secretFile, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
    const url = new URL(mongoUrl);
    url.pathname = `/${database}_http`;
    const env = { MONGO_URL: url.toString(), NATS_URL: natsUrl, JWT_SECRET_FILE: secretFile, KAFKA_BROKERS: '', CASSANDRA_CONTACT_POINTS: '' };
    const servers: LocalServer[] = [];
    closers.push(async () => {
      for (const server of servers) await server.stop();
      const admin = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 2000 });
      await admin.db(`${database}_http`).dropDatabase().catch(() => {});
      await admin.close();
    });
    servers.push(await startLocalServer({ env }), await startLocalServer({ env }));
    const [a, b] = servers as [LocalServer, LocalServer];
    const admin = (await call(a, 'login', undefined, { username: a.adminUsername, password: a.adminPassword })).body.token as string;
    if ((await call(a, 'create-user', admin, { username: 'bench-http', password: 'bench password 1', permissions: ['services.read'] })).status !== 201) throw new Error('create-user failed');
    const user = (await call(b, 'login', undefined, { username: 'bench-http', password: 'bench password 1' })).body.token as string;
    const change = { username: 'bench-http', permission: 'users.read' };
    const fromStartHttp: number[] = [];
    const fromAnswerHttp: number[] = [];
    let atOnce = 0;
    let httpGrantsLate = 0;
    for (let i = 0; i < HTTP_REVOKES; i++) {
      await call(a, 'grant-permission', admin, change);
      for (let first = true; (await call(b, 'list-users', user)).status !== 200; first = false) if (first) httpGrantsLate++;
      const started = performance.now();
      if ((await call(a, 'revoke-permission', admin, change)).status !== 200) throw new Error(`round ${i}: revoke failed`);
      const answered = performance.now();
      let n = 0;
      for (;;) {
        n++;
        const status = (await call(b, 'list-users', user)).status;
        if (status === 403) break;
        if (status !== 200 || performance.now() - answered > 10_000) throw new Error(`round ${i}: B answered ${status}`);
      }
      const refused = performance.now();
      if (n === 1) atOnce++;
      fromStartHttp.push(refused - started);
      fromAnswerHttp.push(n === 1 ? 0 : refused - answered);
    }
    results['invalidation latency over HTTP, two processes (ms)'] = {
      'revoke request sent to A → B answers 403': summary(fromStartHttp),
      'A answered the revoke → B answers 403 (0 when at once)': summary(fromAnswerHttp),
      'B refused the first request after the answer': `${atOnce}/${HTTP_REVOKES}`,
      'grants B honoured only on a later request': `${httpGrantsLate}/${HTTP_REVOKES}`,
    };
  }
} finally {
  for (const close of closers.reverse()) await close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  const admin = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 2000 });
  await admin.db(database).dropDatabase().catch(() => {});
  await admin.close();
}

console.log(JSON.stringify(results, null, 2));
