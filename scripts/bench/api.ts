/**
 * npm run bench:api — the API benchmarks of issue 2, in one run against local mode on the real swarm:
 *  1. the 2017 report's load test (100 users × 100 iterations × 7 calls) beside the Argon2id floor;
 *  2. authenticated reads at 100 connections beside a bare JWT-verifying Hono route (the ceiling);
 *  3. list-services with 1,000 real services at 20 concurrent beside the engine's own answer.
 * Options: --only load|reads|services, --users N, --iterations N, --services N.
 * Cluster composition: set MONGO_URL, NATS_URL, KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS and it runs there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import Dockerode from 'dockerode';
import { startLocalServer, freePort } from '../../testing/local-server.ts';
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

interface WrkResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
}

/** Runs wrk (Debian's package, installed on first use) against one URL with the Bearer token. */
async function wrk(url: string, token: string, seconds: number): Promise<WrkResult> {
  if (spawnSync('which', ['wrk']).status !== 0) {
    spawnSync('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk'], { stdio: 'inherit' });
  }
  const out = spawnSync('wrk', ['-t2', '-c100', `-d${seconds}s`, '--latency', '-H', `Authorization: Bearer ${token}`, url], { encoding: 'utf8' }).stdout;
  const ms = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    return m ? ms(m[1]!, m[2]!) : NaN;
  };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: pct('50'),
    p90: pct('90'),
    p99: pct('99'),
    errors: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors:.*timeout (\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const dockerdPid = () => Number(readFileSync('/var/run/docker.pid', 'utf8'));

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
    const cpuBefore = { server: cpuSeconds(server.process.pid!), dockerd: cpuSeconds(dockerdPid()), client: process.cpuUsage() };
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
    const clientCpu = process.cpuUsage(cpuBefore.client);
    const cpu = {
      server: cpuSeconds(server.process.pid!) - cpuBefore.server,
      dockerd: cpuSeconds(dockerdPid()) - cpuBefore.dockerd,
      loadGenerator: (clientCpu.user + clientCpu.system) / 1e6,
    };
    const stats = recorder.stats();
    printTable('[1] load test per operation', stats);
    console.log(`\n[1] CPU seconds: server ${cpu.server.toFixed(1)}, load generator ${cpu.loadGenerator.toFixed(1)}, dockerd ${cpu.dockerd.toFixed(1)} (floor's hashing: ${(floor.seconds * 2).toFixed(0)} core-seconds on 2 cores)`);
    const ratio = wall / 1000 / floor.seconds;
    console.log(`\n[1] wall ${(wall / 1000).toFixed(1)} s, ${(stats['all']!.count / (wall / 1000)).toFixed(0)} req/s, errors ${stats['all']!.errors}; floor ${floor.seconds.toFixed(1)} s; ratio ${ratio.toFixed(3)} (target ≤ 1.25)`);
    for (const e of recorder.errorExamples) console.log(`    error: ${e}`);
    results['load'] = { wallSeconds: wall / 1000, floorSeconds: floor.seconds, ratio, requests: stats['all']!.count, errors: stats['all']!.errors, cpu, stats };
  }

  if (only === 'all' || only === 'reads') {
    console.log(`\n[2] authenticated reads at 100 connections, ${READ_SECONDS} s each (wrk, 2 threads)…`);
    const port = await freePort();
    const ceiling = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/jwt-ceiling.ts'], { env: { ...process.env, BENCH_SECRET: secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => ceiling.stdout.once('data', r));
    const token = (await (await fetch(`${server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: server.adminPassword }) })).json()).token;
    const reads: Record<string, WrkResult> = {};
    for (const [op, url] of [['ceiling (bare JWT route)', `http://127.0.0.1:${port}/verify`], ['whoami', `${server.url}/function/whoami`], ['list-users', `${server.url}/function/list-users`]] as const) {
      await wrk(url, token, 2); // warm-up
      const r = await wrk(url, token, READ_SECONDS);
      reads[op] = r;
      console.log(`    ${op.padEnd(26)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  non-2xx ${r.errors}`);
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
      const engine = await measure('engine GET /services?status=true', () =>
        new Promise<number>((resolve, reject) => {
          httpRequest({ socketPath: '/var/run/docker.sock', path: '/services?status=true' }, (res) => {
            let bytes = 0;
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => (chunks.push(d), (bytes += d.length)));
            res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(Buffer.concat(chunks).toString()))));
          }).on('error', reject).end();
        }),
      );
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
