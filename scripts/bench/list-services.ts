/**
 * `npm run bench:list-services`: list-services from live state against the engine's own
 * `GET /services?status=true`, in one run against local mode (its own process) on the real swarm.
 *
 * 1. One client: p50 of list-services ≤ 0.2 × the engine's p50 (requests interleaved, one of each in turn).
 * 2. 20 concurrent clients: p95 ≤ 0.1 × the engine's p95 (phases alternated engine, ours, engine, ours).
 * 3. An unchanged list answers 304 to If-None-Match (and a changed one 200 with a new ETag).
 * 4. A change visible within 100 ms (p95) of the engine's event: label updates of our services; the reader
 *    polls list-services with If-None-Match from the moment the update is sent; latency = first answer showing
 *    the new label − the engine's `timeNano` of that update (one host clock).
 *
 * The services carry the test label (`test.swarm-dashboard=bench-ls`), a unique prefix and 0 replicas (no
 * containers), are created and removed with at most 8 calls in flight, and a killed run's leftovers (older than
 * 5 minutes) are swept at start.
 * Env: BENCH_SERVICES (1000), BENCH_REQUESTS_ONE (100 of each), BENCH_REQUESTS_MANY (600 of each),
 * BENCH_CHANGES (40), BENCH_SERVER_NODE_ARGS (for the server only, e.g. `--cpu-prof`). `--json` prints the figures as JSON at the end.
 */
import { request as httpRequest } from 'node:http';
import { Agent } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import Dockerode from 'dockerode';
import { startLocalServer } from '../../testing/local-server.ts';
import { TEST_LABEL } from '../../testing/swarm.ts';

const SERVICES = Number(process.env['BENCH_SERVICES'] ?? 1000);
const REQUESTS_ONE = Number(process.env['BENCH_REQUESTS_ONE'] ?? 100);
const REQUESTS_MANY = Number(process.env['BENCH_REQUESTS_MANY'] ?? 600);
const CHANGES = Number(process.env['BENCH_CHANGES'] ?? 40);
const SUITE = 'bench-ls';
const CONCURRENCY = 20;

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
const f1 = (n: number) => n.toFixed(1);
const say = (m: string) => console.log(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Many small calls at once, at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

const docker = new Dockerode();
const loadBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();
say(`machine: ${loadBefore}`);

// A killed run's services: same label, older than 5 minutes (a run beside this one keeps its own).
{
  const cutoff = Date.now() - 5 * 60_000;
  const old = (await docker.listServices({ filters: JSON.stringify({ label: [`${TEST_LABEL}=${SUITE}`] }) }))
    .filter((s) => Date.parse(s.CreatedAt ?? '') <= cutoff);
  if (old.length) say(`sweeping ${old.length} services a killed run left`);
  await inParallel(old, 8, async (s) => void (await docker.getService(s.ID!).remove().catch(() => {})));
}

const prefix = `${SUITE}-${randomBytes(3).toString('hex')}-`;
const names = Array.from({ length: SERVICES }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
const ids: string[] = [];
const secretDir = '.cache/bench';
mkdirSync(secretDir, { recursive: true });
writeFileSync(`${secretDir}/ls-jwt-secret`, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });

const summary: Array<{ goal: string; figure: string; target: string; met: boolean }> = [];
const results: Record<string, unknown> = { services: SERVICES, machine: loadBefore, date: new Date().toISOString() };
let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
try {
  say(`creating ${SERVICES} services ${prefix}* (replicas 0, 8 in flight)…`);
  const t0 = performance.now();
  await inParallel(names, 8, async (name) => {
    const made = await docker.createService({
      Name: name,
      Labels: { [TEST_LABEL]: SUITE, 'bench.change': '0' },
      TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '3600'] } },
      Mode: { Replicated: { Replicas: 0 } },
    } as never);
    ids.push((made as unknown as { id: string }).id);
  });
  say(`  made in ${f1((performance.now() - t0) / 1000)} s`);

  // BENCH_SERVER_NODE_ARGS reach only the server, e.g. "--cpu-prof --cpu-prof-dir=.cache/prof".
  const nodeArgs = process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  server = await startLocalServer({ env: { JWT_SECRET_FILE: `${secretDir}/ls-jwt-secret` }, nodeArgs });
  const login = await fetch(`${server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: server.adminPassword }) });
  const token = ((await login.json()) as { token: string }).token;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const engineAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const { port } = server;

  /** One raw HTTP GET; the body is read and counted, not parsed, on both sides alike. */
  const get = (options: { socketPath?: string; port?: number; path: string; headers?: Record<string, string>; agent: Agent }) =>
    new Promise<{ status: number; bytes: number; body: Buffer; etag?: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', ...options }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, bytes: body.length, body, etag: res.headers.etag });
        });
      }).on('error', reject).end();
    });
  const engineCall = () => get({ socketPath: '/var/run/docker.sock', path: '/services?status=true', agent: engineAgent });
  const oursCall = (headers: Record<string, string> = {}) =>
    get({ port, path: '/function/list-services', headers: { authorization: `Bearer ${token}`, ...headers }, agent });

  // Until the live state holds every service, the comparison means nothing.
  for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
    const r = await oursCall();
    const n = r.status === 200 ? (JSON.parse(r.body.toString()) as { services: Array<{ name: string }> }).services.filter((s) => s.name.startsWith(prefix)).length : -1;
    if (n === SERVICES) break;
    if (Date.now() > deadline) throw new Error(`list-services shows ${n} of ${SERVICES} services`);
  }
  const engineBytes = (await engineCall()).bytes;
  const oursBytes = (await oursCall()).bytes;
  say(`answers: engine ${(engineBytes / 1024).toFixed(0)} KB, list-services ${(oursBytes / 1024).toFixed(0)} KB`);
  for (let i = 0; i < 10; i++) await Promise.all([engineCall(), oursCall()]); // warm-up

  const timed = async (call: () => Promise<{ status: number }>): Promise<number> => {
    const t = performance.now();
    const r = await call();
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    return performance.now() - t;
  };

  // 1. One client, interleaved so that load bursts on the shared machine hit both alike.
  {
    const engine: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < REQUESTS_ONE; i++) {
      engine.push(await timed(engineCall));
      ours.push(await timed(() => oursCall()));
    }
    const ratio = pct(ours, 50) / pct(engine, 50);
    say(`[1] one client, ${REQUESTS_ONE} each: engine p50 ${f1(pct(engine, 50))} ms p95 ${f1(pct(engine, 95))}; list-services p50 ${f1(pct(ours, 50))} ms p95 ${f1(pct(ours, 95))}`);
    results['oneClient'] = { engine: { p50: pct(engine, 50), p95: pct(engine, 95) }, ours: { p50: pct(ours, 50), p95: pct(ours, 95) }, ratio };
    summary.push({ goal: 'one client p50 / engine p50', figure: `${ratio.toFixed(3)} × (${f1(pct(ours, 50))} / ${f1(pct(engine, 50))} ms)`, target: '≤ 0.2 ×', met: ratio <= 0.2 });
  }

  // 2. 20 concurrent clients, phases alternated.
  {
    const phase = async (call: () => Promise<{ status: number }>, count: number, into: number[]) => {
      let sent = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (sent++ < count) into.push(await timed(call));
      }));
    };
    const engine: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < 2; round++) {
      await phase(engineCall, REQUESTS_MANY / 2, engine);
      await phase(() => oursCall(), REQUESTS_MANY / 2, ours);
    }
    const ratio = pct(ours, 95) / pct(engine, 95);
    say(`[2] ${CONCURRENCY} concurrent, ${REQUESTS_MANY} each: engine p50 ${f1(pct(engine, 50))} ms p95 ${f1(pct(engine, 95))}; list-services p50 ${f1(pct(ours, 50))} ms p95 ${f1(pct(ours, 95))}`);
    results['concurrent'] = { engine: { p50: pct(engine, 50), p95: pct(engine, 95) }, ours: { p50: pct(ours, 50), p95: pct(ours, 95) }, ratio };
    summary.push({ goal: '20 concurrent p95 / engine p95', figure: `${ratio.toFixed(3)} × (${f1(pct(ours, 95))} / ${f1(pct(engine, 95))} ms)`, target: '≤ 0.1 ×', met: ratio <= 0.1 });
  }

  // 3 and 4. A change on the engine, seen through list-services; 304 while the list is unchanged.
  {
    const events = (await docker.getEvents({ filters: JSON.stringify({ type: ['service'], event: ['update'] }) })) as NodeJS.ReadableStream & { destroy(): void };
    const updates: Array<{ id: string; timeNano: bigint }> = [];
    let buffered = '';
    events.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        // NOTE: timeNano is above 2^53; read it as a string before JSON.parse rounds it.
        const m = /"timeNano":(\d+)/.exec(line);
        const id = (JSON.parse(line) as { Actor?: { ID?: string } }).Actor?.ID;
        if (m && id) updates.push({ id, timeNano: BigInt(m[1]!) });
      }
    });
    await sleep(300);
    // 304 is owed when the list is unchanged. Other work on a shared swarm may change it between two calls; then a
    // 200 with a different body is right, and only a 200 with the very body the ETag named counts as a miss.
    let notModified = true;
    let conditional = 0;
    const check304 = async () => {
      const first = await oursCall();
      const again = await oursCall({ 'if-none-match': first.etag ?? '' });
      conditional++;
      if (again.status === 304 ? again.bytes !== 0 : again.body.equals(first.body)) notModified = false;
      return first.etag;
    };
    let etag = await check304();
    const latencies: number[] = [];
    let missed = 0;
    for (let i = 0; i < CHANGES; i++) {
      const id = ids[(i * 37) % ids.length]!;
      const service = docker.getService(id);
      const spec = (await service.inspect()) as { Version: { Index: number }; Spec: { Labels?: Record<string, string> } & Record<string, unknown> };
      const value = `${i + 1}`;
      const sentAt = BigInt(Date.now()) * 1_000_000n;
      const wanted = `"bench.change":"${value}"`;
      let seenAt = 0n;
      const update = service.update({ ...spec.Spec, version: spec.Version.Index, Labels: { ...spec.Spec.Labels, 'bench.change': value } });
      for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
        const r = await oursCall({ 'if-none-match': etag ?? '' });
        if (r.status === 200) {
          etag = r.etag;
          const services = (JSON.parse(r.body.toString()) as { services: Array<{ id: string; labels: Record<string, string> }> }).services;
          if (JSON.stringify(services.find((s) => s.id === id)?.labels ?? {}).includes(wanted)) {
            seenAt = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
            break;
          }
        } else if (r.status !== 304) throw new Error(`status ${r.status}`);
      }
      await update;
      await sleep(50);
      const event = updates.find((u) => u.id === id && u.timeNano >= sentAt - 50_000_000n);
      updates.length = 0;
      if (!seenAt || !event) {
        missed++;
        continue;
      }
      latencies.push(Number(seenAt - event.timeNano) / 1e6);
      await check304();
    }
    events.destroy();
    const p95 = pct(latencies, 95);
    say(`[3] If-None-Match on an unchanged list (${conditional} checks): ${notModified ? '304 every time' : 'a 200 with the same body'}`);
    say(`[4] change visible after the engine's event: ${latencies.length} of ${CHANGES} seen, p50 ${f1(pct(latencies, 50))} ms p95 ${f1(p95)} ms max ${f1(Math.max(...latencies))} ms`);
    results['notModified'] = notModified;
    results['change'] = { changes: CHANGES, seen: latencies.length, p50: pct(latencies, 50), p95, max: Math.max(...latencies) };
    summary.push({ goal: 'unchanged list answers 304 to If-None-Match', figure: notModified ? '304' : 'not 304', target: '304', met: notModified });
    summary.push({ goal: 'change visible after engine event, p95', figure: `${f1(p95)} ms (${latencies.length}/${CHANGES})`, target: '≤ 100 ms', met: p95 <= 100 && missed === 0 });
  }
  agent.destroy();
  engineAgent.destroy();
} finally {
  await server?.stop();
  say(`removing ${ids.length} services…`);
  await inParallel([...ids], 8, async (id) => void (await docker.getService(id).remove().catch(() => {})));
}

say(`\nsummary (list-services, ${SERVICES} services; ${loadBefore.replace(/^.*load/, 'load')})`);
for (const s of summary) say(`  ${s.goal.padEnd(46)} ${s.figure.padEnd(30)} target ${s.target.padEnd(9)} ${s.met ? 'met' : 'NOT MET'}`);
results['summary'] = summary;
writeFileSync(`${secretDir}/list-services.json`, JSON.stringify(results, null, 2));
if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
