/**
 * npm run bench:openfaas — the OpenFaaS path against local mode, in one run (issue 11):
 *  - `whoami` and `list-services` at 20 concurrent clients (GET, keep-alive), through the gateway
 *    (gateway → provider → function replicas) and against local mode (one process);
 *  - one request at a time: the gateway path's added latency (median through the gateway − median local);
 *  - each replica's share of the traffic (3 replicas, from the bytes each container sent);
 *  - the time to deploy all 21 functions from cold (`faas-cli deploy -f faas.yml` → all available).
 * Goals: throughput ≥ 0.5 × local, p95 ≤ 1.5 × local, added latency < 1 ms, each replica within 20% of its share.
 * Options: --requests N (per measured run, default 4000), --replicas N (default 3). Env: FN_IMAGES_PREBUILT=1.
 * Leaves the gateway and provider up; removes the functions and the test services.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FUNCTIONS } from '../../functions/index.ts';
import { startLocalServer } from '../../testing/local-server.ts';
import { percentile, replicaTxBytes, runLoad, spread, type LoadResult } from '../openfaas/load.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, '.cache/bin/faas-cli');
const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
};
const REQUESTS = Number(arg('requests', '4000'));
const REPLICAS = Number(arg('replicas', '3'));
const CONCURRENCY = 20;
const SEQUENTIAL = 300;
const envLines = (text: string) => Object.fromEntries([...text.matchAll(/^(?:export )?([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
const sh = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 600_000) => {
  const p = run(file, args, { cwd: root, env, timeout, maxBuffer: 32 << 20 });
  p.child.stdin?.end();
  return p;
};

interface Row {
  rps: number;
  p50: number;
  p95: number;
  single: number;
  failed: number;
}

async function measure(url: string, token: string): Promise<Row> {
  await runLoad({ url, token, clients: CONCURRENCY, minRequests: 500, getOnly: true }); // warm up
  const load: LoadResult = await runLoad({ url, token, clients: CONCURRENCY, minRequests: REQUESTS, getOnly: true });
  const one = await runLoad({ url, token, clients: 1, minRequests: SEQUENTIAL, getOnly: true });
  return {
    rps: (load.total / load.elapsedMs) * 1000,
    p50: percentile(load.latencies, 50),
    p95: percentile(load.latencies, 95),
    single: percentile(one.latencies, 50),
    failed: load.failed + one.failed,
  };
}

const login = async (base: string, password: string) =>
  ((await (await fetch(`${base}/function/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })).json()) as { token: string }).token;

console.log(`bench:openfaas on ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const targets = ['whoami', 'list-services'];

// --- local mode -----------------------------------------------------------------------------------------------
const local = await startLocalServer();
const localToken = await login(local.url, local.adminPassword);
const localRows: Record<string, Row> = {};
for (const name of targets) localRows[name] = await measure(`${local.url}/function/${name}`, localToken);
await local.stop();

// --- the OpenFaaS path ----------------------------------------------------------------------------------------
const up = envLines((await sh('bash', ['scripts/openfaas/up.sh'])).stdout);
const gateway = up['OPENFAAS_URL']!;
const basicAuth = 'Basic ' + Buffer.from(`admin:${readFileSync(join(root, '.cache/openfaas/basic-auth-password'), 'utf8').trim()}`).toString('base64');
const testEnv = envLines((await sh('bash', ['scripts/openfaas/test-env.sh', 'up'])).stdout);
const faasEnv = { ...process.env, OPENFAAS_URL: gateway, OPENFAAS_CONFIG: up['OPENFAAS_CONFIG'] ?? '', FN_SCALE_MIN: '1', FN_NATS_URL: testEnv['FN_NATS_URL'], FN_DOCKER_HOST: testEnv['FN_DOCKER_HOST'], FN_EVENTS_ENV: testEnv['FN_EVENTS_ENV'] };
const statuses = async () =>
  new Map(((await (await fetch(`${gateway}/system/functions`, { headers: { authorization: basicAuth } })).json()) as { name: string; availableReplicas: number }[]).map((f) => [f.name, f.availableReplicas]));
const waitFor = async (what: string, ok: () => Promise<boolean>, ms: number) => {
  for (const deadline = Date.now() + ms; !(await ok().catch(() => false)); await new Promise((r) => setTimeout(r, 250))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
};
const rows: Record<string, Row> = {};
const shares: Record<string, number[]> = {};
let deployMs = NaN;
try {
  if (process.env['FN_IMAGES_PREBUILT'] !== '1') await sh('npm', ['run', '-s', 'build:images']);
  const t = performance.now();
  await sh(cli, ['deploy', '-f', 'faas.yml'], faasEnv);
  await waitFor('all 21 functions available', async () => {
    const all = await statuses();
    return FUNCTIONS.every((f) => (all.get(f.name) ?? 0) >= 1);
  }, 300_000);
  deployMs = performance.now() - t;
  const token = await login(gateway, testEnv['ADMIN_PASSWORD']!);
  for (const name of targets) {
    await fetch(`${gateway}/system/scale-function/${name}`, { method: 'POST', headers: { authorization: basicAuth }, body: JSON.stringify({ serviceName: name, replicas: REPLICAS }) });
    await waitFor(`${name} at ${REPLICAS}`, async () => (await statuses()).get(name) === REPLICAS, 120_000);
  }
  await new Promise((r) => setTimeout(r, 1500)); // the provider's addresses are at most 1 s old
  for (const name of targets) {
    const containers = (await run('docker', ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name}`])).stdout.trim().split('\n');
    const before = await replicaTxBytes(containers);
    rows[name] = await measure(`${gateway}/function/${name}`, token);
    const after = await replicaTxBytes(containers);
    shares[name] = spread(containers.map((id) => after.get(id)! - before.get(id)!));
  }
} finally {
  await sh(cli, ['remove', '-f', 'faas.yml'], faasEnv).catch(() => undefined);
  for (let i = 0; i < 60 && (await run('docker', ['ps', '-q', '--filter', 'label=com.openfaas.function'])).stdout.trim() !== ''; i++) await new Promise((r) => setTimeout(r, 1000));
  await sh('bash', ['scripts/openfaas/test-env.sh', 'down']).catch(() => undefined);
}

const f = (n: number, d = 2) => n.toFixed(d);
console.log(`\n| function | local req/s | gateway req/s | ratio | local p95 ms | gateway p95 ms | ratio | added latency ms (1 at a time) | replica shares | non-2xx |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const name of targets) {
  const l = localRows[name]!;
  const g = rows[name]!;
  console.log(`| ${name} | ${f(l.rps, 0)} | ${f(g.rps, 0)} | ${f(g.rps / l.rps)} | ${f(l.p95)} | ${f(g.p95)} | ${f(g.p95 / l.p95)} | ${f(g.single - l.single)} (${f(g.single)} − ${f(l.single)}) | ${shares[name]!.map((s) => (s * 100).toFixed(1) + '%').join(' / ')} | ${l.failed + g.failed} |`);
}
console.log(`\ndeploy all ${FUNCTIONS.length} functions from cold (faas-cli deploy -f faas.yml → all available): ${f(deployMs / 1000, 1)} s`);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
