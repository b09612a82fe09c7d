/**
 * npm run bench:api — the API benchmarks of issues 2 and 13, in one run against local mode on the real swarm:
 *  1. the 2017 report's load test (100 users × 100 iterations × 7 calls) beside the Argon2id floor
 *     (target: wall ≤ 1.15 × the floor, 0 errors); `npm run bench:load` runs only this part;
 *  2. authenticated reads (whoami, a list-users page) at 100 connections beside a bare Hono+jose route, the
 *     ceiling (target: throughput ≥ 0.8 × and p99 ≤ 1.5 × the ceiling's); `npm run bench:reads` runs only this.
 * list-services against the engine is `npm run bench:list-services`.
 * Options (or env): --only load|reads, --users N (BENCH_USERS), --iterations N (BENCH_ITERATIONS),
 * --read-seconds N (BENCH_READ_SECONDS, per route and round; 2 rounds), --floor-hashes N (BENCH_FLOOR_HASHES:
 * the floor is timed on this many hashes and scaled to the load test's count, 2 per iteration, so that a full
 * run stays under 4 minutes), BENCH_SERVER_NODE_ARGS (the server's node flags, e.g. `--cpu-prof`).
 * Cluster composition: set MONGO_URL, NATS_URL, KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS and it runs there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startLocalServer, freePort } from '../../testing/local-server.ts';
import { createClient, printTable, Recorder, runWorkers } from './load.ts';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  const env = process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  return at >= 0 ? process.argv[at + 1]! : (env ?? fallback);
};
const only = arg('only', 'all');
const USERS = Number(arg('users', '100'));
const ITERATIONS = Number(arg('iterations', '100'));
const READ_SECONDS = Number(arg('read-seconds', '5'));
const FLOOR_HASHES = Number(arg('floor-hashes', '6000'));
const machine = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
const summary: Array<{ goal: string; figure: string; target: string; met: boolean }> = [];
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, date: new Date().toISOString(), uptime: machine },
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
    spawnSync('bash', ['scripts/apt-install.sh', 'wrk'], { stdio: 'inherit' });
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
console.log(`machine: ${machine}`);
const nodeArgs = process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
const server = await startLocalServer({ env: { JWT_SECRET_FILE: `${secretDir}/jwt-secret` }, nodeArgs });
console.log(`local mode at ${server.url} (${results['composition']} composition)`);

try {
  if (only === 'all' || only === 'load') {
    const hashes = USERS * ITERATIONS * 2;
    const timed = Math.min(hashes, FLOOR_HASHES);
    console.log(`\n[1] Argon2id floor: ${timed} hashes on all cores, scaled to ${hashes}…`);
    const sample = JSON.parse(await runNode('scripts/bench/hash-floor.ts', [String(timed)]));
    // The hashes are CPU-bound and steady: the floor for all of them is the timed sample's rate, scaled.
    const floor = { hashes, timedHashes: timed, perSecond: sample.perSecond as number, seconds: hashes / sample.perSecond, cpuSecondsPerHash: sample.cpuSecondsPerHash as number };
    console.log(`    ${floor.seconds.toFixed(1)} s (${floor.perSecond.toFixed(0)} hashes/s)`);

    console.log(`[1] load test: ${USERS} users × ${ITERATIONS} iterations × 7 calls = ${USERS * ITERATIONS * 7} requests…`);
    const recorder = new Recorder();
    const client = createClient(server.url, recorder, USERS + 8);
    // Each simulated user is its own browser: one login first (untimed, 2 at a time) gives it the login
    // throttle's device cookie, as a browser keeps it. Without it, 100 logins in flight for one account from one
    // address are 100 reserved tries against that account and address, and the throttle refuses them (429).
    const devices: string[] = [];
    const setup = createClient(server.url, new Recorder(), 2);
    await runWorkers(2, async (lane) => {
      for (let w = lane; w < USERS; w += 2) {
        const r = await setup.call('login', '/function/login', { username: 'admin', password: server.adminPassword });
        const device = r.setCookie.map((c) => /^((?:__Host-)?device=[^;]+)/.exec(c)?.[1]).find(Boolean);
        if (r.status !== 200 || !device) throw new Error(`setup login ${w}: ${r.status} ${JSON.stringify(r.json)}`);
        devices[w] = device;
      }
    });
    await setup.close();
    const cpuBefore = { server: cpuSeconds(server.process.pid!), dockerd: cpuSeconds(dockerdPid()), client: process.cpuUsage() };
    const wall = await runWorkers(USERS, async (w) => {
      for (let i = 0; i < ITERATIONS; i++) {
        const login = await client.call('login', '/function/login', { username: 'admin', password: server.adminPassword }, { cookie: devices[w]! });
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
    console.log(`\n[1] wall ${(wall / 1000).toFixed(1)} s, ${(stats['all']!.count / (wall / 1000)).toFixed(0)} req/s, errors ${stats['all']!.errors}; floor ${floor.seconds.toFixed(1)} s; ratio ${ratio.toFixed(3)} (target ≤ 1.15)`);
    const requests = stats['all']!.count;
    const besideHashes = ((cpu.server - hashes * floor.cpuSecondsPerHash) / requests) * 1000;
    console.log(`[1] server CPU beside the hashes: ${besideHashes.toFixed(3)} ms a request (server CPU − ${hashes} × ${(floor.cpuSecondsPerHash * 1000).toFixed(1)} ms a hash); load generator ${((cpu.loadGenerator / requests) * 1000).toFixed(3)} ms a request`);
    (results as Record<string, unknown>)['besideHashesMsPerRequest'] = besideHashes;
    summary.push({
      goal: `load test ${USERS}×${ITERATIONS}: wall / Argon2id floor`,
      figure: `${ratio.toFixed(3)} × (${(wall / 1000).toFixed(1)} / ${floor.seconds.toFixed(1)} s), ${stats['all']!.errors} errors`,
      target: '≤ 1.15 ×, 0 errors',
      met: ratio <= 1.15 && stats['all']!.errors === 0,
    });
    for (const e of recorder.errorExamples) console.log(`    error: ${e}`);
    results['load'] = { wallSeconds: wall / 1000, floorSeconds: floor.seconds, ratio, requests: stats['all']!.count, errors: stats['all']!.errors, cpu, stats };
  }

  if (only === 'all' || only === 'reads') {
    console.log(`\n[2] authenticated reads at 100 connections, ${READ_SECONDS} s each (wrk, 2 threads)…`);
    const port = await freePort();
    const ceiling = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/jwt-ceiling.ts'], { env: { ...process.env, BENCH_SECRET: secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => ceiling.stdout.once('data', r));
    const token = (await (await fetch(`${server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: server.adminPassword }) })).json()).token;
    const routes = [['ceiling', `http://127.0.0.1:${port}/verify`], ['whoami', `${server.url}/function/whoami`], ['list-users', `${server.url}/function/list-users`]] as const;
    for (const [, url] of routes) await wrk(url, token, 1); // warm-up
    // Two rounds, the routes in turn, so that load bursts on a shared machine hit all three alike.
    const runs: Record<string, WrkResult[]> = {};
    for (let round = 0; round < 2; round++) {
      for (const [op, url] of routes) {
        const r = await wrk(url, token, READ_SECONDS);
        (runs[op] ??= []).push(r);
        console.log(`    ${op.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  non-2xx ${r.errors}`);
      }
    }
    const mean = (rs: WrkResult[], k: keyof WrkResult) => rs.reduce((a, r) => a + r[k], 0) / rs.length;
    const reads: Record<string, WrkResult> = {};
    for (const [op] of routes) {
      const rs = runs[op]!;
      reads[op] = { rps: mean(rs, 'rps'), p50: mean(rs, 'p50'), p90: mean(rs, 'p90'), p99: mean(rs, 'p99'), errors: rs.reduce((a, r) => a + r.errors, 0) };
    }
    ceiling.kill();
    const top = reads['ceiling']!;
    console.log(`[2] ceiling (bare Hono + jose): ${top.rps.toFixed(0)} req/s, p99 ${top.p99.toFixed(2)} ms (mean of 2 rounds)`);
    for (const op of ['whoami', 'list-users']) {
      const r = reads[op]!;
      const rps = r.rps / top.rps;
      const p99 = r.p99 / top.p99;
      console.log(`[2] ${op}: ${r.rps.toFixed(0)} req/s = ${rps.toFixed(2)} × ceiling (target ≥ 0.8), p99 ${r.p99.toFixed(2)} ms = ${p99.toFixed(2)} × (target ≤ 1.5), non-2xx ${r.errors}`);
      summary.push({ goal: `${op}: throughput / ceiling`, figure: `${rps.toFixed(2)} × (${r.rps.toFixed(0)} / ${top.rps.toFixed(0)} req/s)`, target: '≥ 0.8 ×', met: rps >= 0.8 && r.errors === 0 });
      summary.push({ goal: `${op}: p99 / ceiling p99`, figure: `${p99.toFixed(2)} × (${r.p99.toFixed(1)} / ${top.p99.toFixed(1)} ms)`, target: '≤ 1.5 ×', met: p99 <= 1.5 });
    }
    results['reads'] = reads;
  }

} finally {
  await server.stop();
}
results['summary'] = summary;
writeFileSync(`${secretDir}/api-${results['composition']}.json`, JSON.stringify(results, null, 2));
console.log(`\nresults written to ${secretDir}/api-${results['composition']}.json`);
console.log(`\nsummary (api, ${results['composition']} composition; ${machine.replace(/^.*load/, 'load')})`);
for (const s of summary) console.log(`  ${s.goal.padEnd(40)} ${s.figure.padEnd(40)} target ${s.target.padEnd(18)} ${s.met ? 'met' : 'NOT MET'}`);
