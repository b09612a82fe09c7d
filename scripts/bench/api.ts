/**
 * npm run bench:api — the API benchmarks of issue 2, in one run against local mode on the real swarm:
 *  1. the 2017 report's load test (100 users × 100 iterations × 7 calls) beside the Argon2id floor;
 *  2. authenticated reads at 100 connections beside a bare JWT-verifying Hono route (the ceiling);
 *  3. list-services with 1,000 real services at 20 concurrent beside the engine's own answer.
 * Options: --only load|reads|services, --users N, --iterations N, --services N.
 * Cluster composition: set MONGO_URL, NATS_URL, KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS and it runs there.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import Dockerode from 'dockerode';
import { startLocalServer, freePort } from '../../lib/testing/local-server.ts';
import { createClient, printTable, Recorder, runWorkers, summarize } from './load.ts';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
};
const only = arg('only', 'all');
const USERS = Number(arg('users', '100'));
const ITERATIONS = Number(arg('iterations', '100'));
const SERVICES = Number(arg('services', '1000'));
const READ_SECONDS = Number(arg('read-seconds', '10'));
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
  composition: process.env['MONGO_URL'] ? 'cluster' : 'embedded',
};

function runNode(script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}`))));
  });
}

const secretDir = `.cache/bench`;
mkdirSync(secretDir, { recursive: true });
const secret = randomBytes(32).toString('base64url');
writeFileSync(`${secretDir}/jwt-secret`, secret + '\n', { mode: 0o600 });
const server = await startLocalServer({ env: { JWT_SECRET_FILE: `${secretDir}/jwt-secret` } });
console.log(`local mode at ${server.url} (${results['composition']} composition)`);

try {
  if (only === 'all' || only === 'load') {
    const hashes = USERS * ITERATIONS * 2;
    console.log(`\n[1] Argon2id floor: ${hashes} hashes on all cores…`);
    const floor = JSON.parse(await runNode('scripts/bench/hash-floor.ts', [String(hashes)]));
    console.log(`    ${floor.seconds.toFixed(1)} s (${floor.perSecond.toFixed(0)} hashes/s)`);

    console.log(`[1] load test: ${USERS} users × ${ITERATIONS} iterations × 7 calls = ${USERS * ITERATIONS * 7} requests…`);
    const recorder = new Recorder();
    const client = createClient(server.url, recorder, USERS + 8);
    const wall = await runWorkers(USERS, async (w) => {
      for (let i = 0; i < ITERATIONS; i++) {
        const login = await client.call('login', '/function/login', { username: 'admin', password: server.adminPassword });
        const auth = { authorization: `Bearer ${login.json?.token}` };
        const username = `bench-${w}-${i}`;
        await client.call('list-users', '/function/list-users', undefined, auth);
        await client.call('create-user', '/function/create-user', { username, password: 'bench password' }, auth);
        await client.call('grant-permission', '/function/grant-permission', { username, permission: 'services.read' }, auth);
        await client.call('revoke-permission', '/function/revoke-permission', { username, permission: 'services.read' }, auth);
        await client.call('delete-user', '/function/delete-user', { username }, auth);
        await client.call('list-services', '/function/list-services', undefined, auth);
      }
    });
    await client.close();
    const stats = recorder.stats();
    printTable('[1] load test per operation', stats);
    const ratio = wall / 1000 / floor.seconds;
    console.log(`\n[1] wall ${(wall / 1000).toFixed(1)} s, ${(stats['all']!.count / (wall / 1000)).toFixed(0)} req/s, errors ${stats['all']!.errors}; floor ${floor.seconds.toFixed(1)} s; ratio ${ratio.toFixed(3)} (target ≤ 1.25)`);
    for (const e of recorder.errorExamples) console.log(`    error: ${e}`);
    results['load'] = { wallSeconds: wall / 1000, floorSeconds: floor.seconds, ratio, requests: stats['all']!.count, errors: stats['all']!.errors, stats };
  }

  if (only === 'all' || only === 'reads') {
    console.log(`\n[2] authenticated reads at 100 connections, ${READ_SECONDS} s each…`);
    const port = await freePort();
    const ceiling = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/jwt-ceiling.ts'], { env: { ...process.env, BENCH_SECRET: secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => ceiling.stdout.once('data', r));
    const token = (await (await fetch(`${server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: server.adminPassword }) })).json()).token;
    const auth = { authorization: `Bearer ${token}` };
    const reads: Record<string, { rps: number; p50: number; p95: number; p99: number; errors: number }> = {};
    for (const [op, origin, path] of [['ceiling (bare JWT route)', `http://127.0.0.1:${port}`, '/verify'], ['whoami', server.url, '/function/whoami'], ['list-users', server.url, '/function/list-users']] as const) {
      const recorder = new Recorder();
      const client = createClient(origin, recorder, 100);
      for (let i = 0; i < 200; i++) await client.call('warmup', path, undefined, auth, 'GET');
      const recorder2 = new Recorder();
      const measured = createClient(origin, recorder2, 100);
      const until = performance.now() + READ_SECONDS * 1000;
      const wall = await runWorkers(100, async () => {
        while (performance.now() < until) await measured.call(op, path, undefined, auth, 'GET');
      });
      await client.close();
      await measured.close();
      const s = recorder2.stats()[op]!;
      reads[op] = { rps: s.count / (wall / 1000), p50: s.p50, p95: s.p95, p99: s.p99, errors: s.errors };
      console.log(`    ${op.padEnd(26)} ${reads[op]!.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  errors ${s.errors}`);
    }
    ceiling.kill();
    const top = reads['ceiling (bare JWT route)']!.rps;
    for (const op of ['whoami', 'list-users']) {
      console.log(`[2] ${op}: ${(reads[op]!.rps / top).toFixed(2)} × ceiling (target ≥ 0.5), p99 ${reads[op]!.p99.toFixed(2)} ms (target ≤ 15)`);
    }
    results['reads'] = reads;
  }

  if (only === 'all' || only === 'services') {
    const docker = new Dockerode();
    const prefix = `bench-svc-${process.pid}`;
    console.log(`\n[3] creating ${SERVICES} services (replicas 0)…`);
    let made = 0;
    const names = Array.from({ length: SERVICES }, (_, i) => `${prefix}-${i}`);
    const queue = [...names];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        await docker.createService({ Name: name, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '3600'] } }, Mode: { Replicated: { Replicas: 0 } } } as any);
        made++;
      }
    }));
    try {
      const token = (await (await fetch(`${server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: server.adminPassword }) })).json()).token;
      const auth = { authorization: `Bearer ${token}` };
      const REQUESTS = 1000;
      const measure = async (label: string, call: () => Promise<number>) => {
        for (let i = 0; i < 20; i++) await call();
        const samples: number[] = [];
        let sent = 0;
        let bytes = 0;
        const wall = await runWorkers(20, async () => {
          while (sent++ < REQUESTS) {
            const t = performance.now();
            bytes = await call();
            samples.push(performance.now() - t);
          }
        });
        const s = summarize(samples);
        console.log(`    ${label.padEnd(34)} p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  ${(samples.length / (wall / 1000)).toFixed(0)} req/s  ${(bytes / 1024).toFixed(0)} KB`);
        return s;
      };
      const engine = await measure('engine GET /services?status=true', async () => {
        const body = await new Promise<Buffer>((resolve, reject) => {
          (docker as any).modem.dial({ path: '/services?status=true', method: 'GET', statusCodes: { 200: true }, options: {} }, (err: Error | null, data: any) => (err ? reject(err) : resolve(Buffer.from(JSON.stringify(data)))));
        });
        return body.length;
      });
      const ours = await measure('list-services', async () => {
        const res = await fetch(`${server.url}/function/list-services`, { headers: auth });
        const text = await res.text();
        if (!res.ok) throw new Error(text);
        const n = JSON.parse(text).services.length;
        if (n < SERVICES) throw new Error(`only ${n} services listed`);
        return text.length;
      });
      console.log(`[3] list-services p95 ${ours.p95.toFixed(1)} ms vs engine p95 ${engine.p95.toFixed(1)} ms: ${(ours.p95 / engine.p95).toFixed(2)} × (target ≤ 1.5)`);
      results['services'] = { services: SERVICES, engine, listServices: ours, ratio: ours.p95 / engine.p95 };
    } finally {
      console.log(`[3] removing ${made} services…`);
      const left = [...names];
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let name = left.shift(); name; name = left.shift()) await docker.getService(name).remove().catch(() => {});
      }));
    }
  }
} finally {
  await server.stop();
}
writeFileSync(`${secretDir}/api-${results['composition']}.json`, JSON.stringify(results, null, 2));
console.log(`\nresults written to ${secretDir}/api-${results['composition']}.json`);
