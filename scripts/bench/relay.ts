/**
 * `npm run bench:relay`: the relay in local mode (in-process bus, embedded history, one process).
 *
 * 1. Replay: 100,000 stored events into a fresh WebSocket client (its own process, as a browser would be), from
 *    the handshake to `{"type":"live"}`. Target (issue 13) ≤ 0.5 s, median of the runs. The history read alone
 *    is measured too.
 * 2. Fan-out (issue 13): 10,000 WebSocket clients on the relay (in 2 client processes, the load generator on the
 *    same cores). Memory per idle client = the relay process's RSS growth (after GC) / clients: target ≤ 20 KB.
 *    Then real engine events (label updates of one service with 0 replicas) streamed from the engine's
 *    `GET /events` into the bus, as the producer does, reach every client: latency = each client's receipt − the
 *    event's `timeNano` (one host clock), p95 over every (client, event): target ≤ 100 ms.
 * 3. With BENCH_SINGLE_CLIENT=1: the older single-client latency run (networks and services with containers).
 *
 * Env: BENCH_REPLAY_EVENTS (100000), BENCH_REPLAY_RUNS (3), BENCH_CLIENTS (10000), BENCH_FANOUT_EVENTS (30),
 * BENCH_DOCKER_ROUNDS (60, part 3). A compact summary (one line per goal) ends the output.
 * Everything runs on 127.0.0.1; data goes to .cache/bench/relay and is removed afterwards.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { WebSocket } from 'ws';
import { fromDockerEvent } from '../../lib/events/docker-event.ts';
import type { Event } from '../../lib/events/event.ts';
import { testEvent } from '../../lib/events/test-events.ts';
import { startLocalRelay } from '../../testing/local-relay.ts';

const REPLAY_EVENTS = Number(process.env['BENCH_REPLAY_EVENTS'] ?? 100_000);
const REPLAY_RUNS = Number(process.env['BENCH_REPLAY_RUNS'] ?? 3);
const DOCKER_ROUNDS = Number(process.env['BENCH_DOCKER_ROUNDS'] ?? 60);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 10_000);
const FANOUT_EVENTS = Number(process.env['BENCH_FANOUT_EVENTS'] ?? 30);
const summary: Array<{ goal: string; figure: string; target: string; met: boolean }> = [];
const uptime = (await import('node:child_process')).execFileSync('uptime', { encoding: 'utf8' }).trim();
const dir = join(process.cwd(), '.cache', 'bench', 'relay');

const wallNs = (): number => (performance.timeOrigin + performance.now()) * 1e6;
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => Math.round(n * 10) / 10;

/** The replay client, in its own process as a browser would be: connects, checks order, reports JSON. */
const replayClient = async (url: string, expected: number): Promise<void> => {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const ws = new WebSocket(url, { headers: { Authorization: 'Bearer bench' } });
  let events = 0;
  let bytes = 0;
  let first = 0;
  let last = '';
  let ordered = true;
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      bytes += data.length;
      const m = JSON.parse(data.toString()) as { type: string; event?: Event };
      if (m.type === 'event') {
        if (events++ === 0) first = performance.now() - started;
        const key = m.event!.timeNano.padStart(20, '0') + m.event!.id;
        if (key < last) ordered = false;
        last = key;
      } else if (m.type === 'live') resolve();
    });
  });
  const took = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  ws.close();
  if (events !== expected || !ordered) throw new Error(`replay: got ${events} of ${expected} events, ordered=${ordered}`);
  const result = { ms: ms(took), clientCpuMs: ms((cpu.user + cpu.system) / 1000), firstEventMs: ms(first), events, mb: ms(bytes / 1e6) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

/**
 * A fan-out load generator: `count` idle clients, opened 100 at a time. Prints `ready` once all are live; on a
 * line on stdin, prints the latencies (ms) of the events it got after that, and how many each client got.
 */
const fanoutClients = async (url: string, count: number): Promise<void> => {
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  const perClient = new Uint32Array(count);
  let measuring = false;
  let next = 0;
  await Promise.all(Array.from({ length: 100 }, async () => {
    while (next < count) {
      const index = next++;
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, { headers: { Authorization: 'Bearer bench' }, skipUTF8Validation: true });
        sockets.push(ws);
        ws.on('error', reject);
        ws.on('message', (data: Buffer) => {
          const at = wallNs();
          if (data.length < 20) {
            if (data.toString() === '{"type":"live"}') resolve();
            return;
          }
          if (!measuring) return;
          // Only the time is read: parsing 10,000 copies of each frame would be the load generator's time, not the relay's.
          const m = /"timeNano":"(\d+)"/.exec(data.toString('latin1'));
          if (!m) return;
          perClient[index]!++;
          latencies.push((at - Number(m[1])) / 1e6);
        });
      });
    }
  }));
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    measuring = true;
    process.stdin.once('data', () => {
      const counts = [...perClient];
      for (const ws of sockets) ws.terminate();
      // Exit only once the report left: process.exit would cut a large write to a pipe short.
      process.stdout.write(`${JSON.stringify({ latencies, min: Math.min(...counts), max: Math.max(...counts) })}\n`, () => process.exit(0));
    });
  });
};

if (process.argv[2] === '--fanout-clients') {
  await fanoutClients(process.argv[3]!, Number(process.argv[4]));
  // stdin keeps the process until the parent asks for the report, which exits.
  await new Promise(() => {});
}
if (process.argv[2] === '--replay-client') {
  await replayClient(process.argv[3]!, Number(process.argv[4]));
  process.exit(0);
}

console.log(`machine: ${uptime}`);
const { url, bus, history, stop } = await startLocalRelay({
  dataDir: dir,
  deps: () => ({
    authenticate: async () => ({ username: 'bench', permissions: ['events.read'] }),
    tokenFromCookie: () => undefined,
    isAllowedOrigin: () => true,
    // The goals' sizes, above the defaults (1,000 connections, 10 a user, replays bounded at 10,000 events / 8 MiB).
    maxConnections: CLIENTS + 100,
    maxConnectionsPerUser: CLIENTS + 100,
    maxReplayEvents: REPLAY_EVENTS + 100_000,
    maxReplayBytes: 1024 * 1024 * 1024,
  }),
});
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };

// 2. Fan-out to many idle clients: memory, then engine event → every client. Run first, so that the relay's
// RSS is not already grown by the replay's buffers (which later allocations would reuse unseen).
if (CLIENTS > 0) {
  const gc = (globalThis as { gc?: () => void }).gc;
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  await settle();
  const before = process.memoryUsage();
  const processes = CLIENTS >= 2000 ? 2 : 1;
  const t0 = performance.now();
  const children = Array.from({ length: processes }, (_, i) => {
    const count = Math.floor(CLIENTS / processes) + (i < CLIENTS % processes ? 1 : 0);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--fanout-clients', url, String(count)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const lines: string[] = [];
    const waiters: Array<(line: string) => void> = [];
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const w = waiters.shift();
        if (w) w(line);
        else lines.push(line);
      }
    });
    let exited = '';
    // 'close', not 'exit': the report may still be in the pipe when the process has exited.
    child.on('close', (code, signal) => {
      exited = `fan-out client process exited (${code ?? signal})`;
      console.error(exited);
      while (waiters.length) waiters.shift()!('');
    });
    const nextLine = () =>
      new Promise<string>((r, reject) => (lines.length ? r(lines.shift()!) : exited ? reject(new Error(exited)) : waiters.push((l) => (l ? r(l) : reject(new Error(exited))))));
    return { child, nextLine };
  });
  for (const c of children) if ((await c.nextLine()) !== 'ready') throw new Error('fan-out client failed');
  const connectMs = performance.now() - t0;
  await settle();
  const after = process.memoryUsage();
  const perClientKb = (after.rss - before.rss) / CLIENTS / 1024;
  // JavaScript objects plus the buffers outside the heap (ws's and the sockets').
  const heapPerClientKb = (after.heapUsed + after.external - before.heapUsed - before.external) / CLIENTS / 1024;
  console.log(`fan-out: ${CLIENTS} clients live in ${ms(connectMs)} ms; relay RSS +${ms((after.rss - before.rss) / 1e6)} MB = ${ms(perClientKb)} KB a client (heap + external ${ms(heapPerClientKb)} KB)`);
  summary.push({ goal: `relay memory per idle client (${CLIENTS})`, figure: `${ms(perClientKb)} KB RSS (heap+ext ${ms(heapPerClientKb)} KB)`, target: '≤ 20 KB', met: perClientKb <= 20 });

  // Where the time goes, per engine event: `toBus` when it reached the bus (the engine's stream and our
  // parsing), `fannedOut` when the relay's fan-out had written it to every socket (the in-process bus calls its
  // subscribers in order, synchronously, and the relay's subscription is older than this one). The rest of a
  // client's latency is the kernel and the client processes.
  const toBus: number[] = [];
  const fannedOut: number[] = [];
  let timing = false;
  await bus.subscribe((e) => {
    if (timing) fannedOut.push((wallNs() - Number(e.timeNano)) / 1e6);
  });
  // The producer's job, inline: engine stream → Event → bus.
  const docker = new Dockerode();
  const info = (await docker.info()) as { Name: string };
  const stream = (await docker.getEvents({ since: Math.floor(Date.now() / 1000) })) as NodeJS.ReadableStream & { destroy(): void };
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      const event = fromDockerEvent(JSON.parse(line.replace(/"timeNano":([0-9]+)/, '"timeNano":"$1"')), info.Name);
      if (!event) continue;
      if (timing) toBus.push((wallNs() - Number(event.timeNano)) / 1e6);
      void bus.publish([event]);
    }
  });
  for (const c of children) c.child.stdin!.write('measure\n');
  timing = true;
  const name = `bench-relay-fanout-${process.pid}-${Date.now().toString(36)}`;
  const created = (await docker.createService({
    Name: name,
    Labels: { 'test.swarm-dashboard': 'bench-relay' },
    TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '3600'] } },
    Mode: { Replicated: { Replicas: 0 } },
  } as never)) as unknown as { id: string };
  const service = docker.getService(created.id);
  let published = 0;
  try {
    // Paced so that each event's fan-out is measured on its own, not queued behind the previous one's.
    for (let i = 0; i < FANOUT_EVENTS; i++) {
      const spec = (await service.inspect()) as { Version: { Index: number }; Spec: { Labels?: Record<string, string> } & Record<string, unknown> };
      await service.update({ ...spec.Spec, version: spec.Version.Index, Labels: { ...spec.Spec.Labels, 'bench.i': String(i) } });
      published++;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await service.remove().catch(() => {});
  }
  await new Promise((r) => setTimeout(r, 2000));
  stream.destroy();
  const reports = await Promise.all(children.map(async (c) => {
    c.child.stdin!.write('report\n');
    return JSON.parse(await c.nextLine()) as { latencies: number[]; min: number; max: number };
  }));
  const all = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const fewest = Math.min(...reports.map((r) => r.min));
  const f = { clients: CLIENTS, updates: published, deliveries: all.length, fewestPerClient: fewest, p50: ms(pct(all, 50)), p95: ms(pct(all, 95)), p99: ms(pct(all, 99)), max: ms(all[all.length - 1] ?? NaN) };
  results['fanout'] = { ...f, connectMs: ms(connectMs), rssPerClientKb: ms(perClientKb), heapPerClientKb: ms(heapPerClientKb) };
  console.log(`fan-out: ${published} service updates (+ the create and remove) → ${all.length} deliveries, every client got ≥ ${fewest}; engine timeNano → client p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms, max ${f.max} ms`);
  toBus.sort((a, b) => a - b);
  fannedOut.sort((a, b) => a - b);
  const spread = (s: number[]) => `p50 ${ms(pct(s, 50))} ms, p95 ${ms(pct(s, 95))} ms (${s.length} events)`;
  console.log(`fan-out: engine timeNano → on the bus ${spread(toBus)}; → written to all ${CLIENTS} sockets ${spread(fannedOut)}`);
  results['fanout'] = { ...(results['fanout'] as object), toBusP50: ms(pct(toBus, 50)), fannedOutP50: ms(pct(fannedOut, 50)) };
  summary.push({ goal: `engine event → each of ${CLIENTS} clients, p95`, figure: `${f.p95} ms (p50 ${f.p50}, ${all.length} deliveries)`, target: '≤ 100 ms', met: f.p95 <= 100 && fewest >= published });
}


// 1. Replay
{
  // The fan-out's engine events went to the history too: the replay carries them as well.
  let extra = 0;
  for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
    const page = await history.range(cursor === undefined ? { since: 0n, limit: 1000 } : { since: 0n, limit: 1000, cursor });
    extra += page.events.length;
    cursor = page.next;
  }
  const base = BigInt(Date.now() - 2 * 3_600_000) * 1_000_000n;
  const t0 = performance.now();
  for (let i = 0; i < REPLAY_EVENTS; i += 5000) {
    const chunk: Event[] = [];
    for (let j = i; j < Math.min(i + 5000, REPLAY_EVENTS); j++) chunk.push(testEvent(base + BigInt(j) * 10_000n, j));
    await history.append(chunk);
  }
  console.log(`stored ${REPLAY_EVENTS} events in ${ms(performance.now() - t0)} ms`);
  {
    // The history alone, paged as the relay pages it: the part of the replay the relay does not control.
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await history.range(cursor === undefined ? { since: 0n, limit: 1000 } : { since: 0n, limit: 1000, cursor });
      read += page.events.length;
      cursor = page.next;
    } while (cursor !== undefined);
    const cpu = process.cpuUsage(cpu0);
    results['historyRead'] = { events: read, ms: ms(performance.now() - t1), cpuMs: ms((cpu.user + cpu.system) / 1000) };
    console.log(`history alone: ${read} events paged in ${ms(performance.now() - t1)} ms (CPU ${ms((cpu.user + cpu.system) / 1000)} ms)`);
  }
  const runs: Array<{ ms: number; relayCpuMs: number; clientCpuMs: number; firstEventMs: number; events: number; mb: number }> = [];
  for (let run = 0; run < REPLAY_RUNS; run++) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--replay-client', url, String(REPLAY_EVENTS + extra)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // The relay's CPU is counted from the child's handshake on; tsx start-up in the child costs the relay nothing.
    const cpu0 = process.cpuUsage();
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    const cpu = process.cpuUsage(cpu0);
    if (code !== 0) throw new Error(`replay client exited with ${code}`);
    const result = { ...(JSON.parse(out) as Omit<(typeof runs)[number], 'relayCpuMs'>), relayCpuMs: ms((cpu.user + cpu.system) / 1000) };
    runs.push(result);
    console.log(
      `replay run ${run + 1}: ${result.events} events (${result.mb} MB) to live in ${result.ms} ms, first event after ` +
        `${result.firstEventMs} ms; CPU relay ${result.relayCpuMs} ms, client ${result.clientCpuMs} ms`,
    );
  }
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  results['replay'] = { events: REPLAY_EVENTS, runs, medianMs: median, targetMs: 500 };
  const relayCpu = runs.map((r) => r.relayCpuMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  summary.push({ goal: `replay of ${REPLAY_EVENTS} events into one client, median`, figure: `${median} ms (relay CPU ${relayCpu} ms)`, target: '≤ 500 ms', met: median <= 500 });
}

// 3. Docker event → one WebSocket client (the older run, with containers)
if (process.env['BENCH_SINGLE_CLIENT'] === '1') {
  const docker = new Dockerode();
  let info: { Name: string; Swarm?: { LocalNodeState?: string } };
  try {
    info = (await docker.info()) as typeof info;
  } catch (e) {
    throw new Error(`No Docker engine answers (${(e as Error).message}); run npm run swarm:local, or leave BENCH_SINGLE_CLIENT unset`);
  }
  const client = new WebSocket(`${url}?since=${BigInt(Date.now()) * 1_000_000n}`, { headers: { Authorization: 'Bearer bench' } });
  const latencies: number[] = [];
  const relayOnly: number[] = [];
  const publishedAt = new Map<string, number>();
  let received = 0;
  let isLive = false;
  client.on('message', (data: Buffer) => {
    const at = wallNs();
    const m = JSON.parse(data.toString()) as { type: string; event?: Event };
    if (m.type === 'live') isLive = true;
    if (m.type !== 'event' || !isLive) return;
    received++;
    latencies.push((at - Number(m.event!.timeNano)) / 1e6);
    const p = publishedAt.get(m.event!.id);
    if (p !== undefined) relayOnly.push((at - p) / 1e6);
  });
  await new Promise<void>((r) => {
    const check = () => (isLive ? r() : setTimeout(check, 10));
    check();
  });

  // The producer's job, inline: engine stream → Event → bus.
  const since = Math.floor(Date.now() / 1000);
  const stream = (await docker.getEvents({ since })) as NodeJS.ReadableStream & { destroy(): void };
  let published = 0;
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      // NOTE: timeNano is a JSON number above 2^53; read it as a string before JSON.parse rounds it.
      const event = fromDockerEvent(JSON.parse(line.replace(/"timeNano":([0-9]+)/, '"timeNano":"$1"')), info.Name);
      if (!event) continue;
      publishedAt.set(event.id, wallNs());
      published++;
      void bus.publish([event]);
    }
  });

  const tag = `bench-relay-${process.pid}`;
  const removeLeftovers = async () => {
    const filters = JSON.stringify({ label: [`bench=${tag}`] });
    for (const svc of await docker.listServices({ filters }).catch(() => [])) await docker.getService(svc.ID!).remove().catch(() => {});
    for (const net of await docker.listNetworks({ filters }).catch(() => [])) await docker.getNetwork(net.Id).remove().catch(() => {});
  };
  const t0 = performance.now();
  const swarm = info.Swarm?.LocalNodeState === 'active';
  try {
    for (let i = 0; i < DOCKER_ROUNDS; i++) {
      const net = await docker.createNetwork({ Name: `${tag}-${i}`, Driver: 'bridge', Labels: { bench: tag } });
      await net.remove();
    }
    if (swarm) {
      for (let i = 0; i < 3; i++) {
        const service = await docker.createService({
          Name: `${tag}-svc-${i}`,
          Labels: { bench: tag },
          TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '3600'] } },
          Mode: { Replicated: { Replicas: 1 } },
        });
        const s = docker.getService(service.id);
        const spec = (await s.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
        await s.update({ ...spec.Spec, version: spec.Version.Index, Mode: { Replicated: { Replicas: 2 } } });
        await new Promise((r) => setTimeout(r, 1500));
        await s.remove();
      }
    }
  } finally {
    await removeLeftovers();
  }
  // Let the stream and the relay deliver the tail.
  await new Promise((r) => setTimeout(r, 3000));
  stream.destroy();
  client.close();
  const sorted = latencies.slice().sort((a, b) => a - b);
  const relaySorted = relayOnly.slice().sort((a, b) => a - b);
  const summary = {
    published,
    received,
    generateMs: ms(performance.now() - t0 - 3000),
    swarmServices: swarm,
    dockerToClientMs: { p50: ms(pct(sorted, 50)), p95: ms(pct(sorted, 95)), p99: ms(pct(sorted, 99)), max: ms(sorted[sorted.length - 1]!) },
    busToClientMs: { p50: ms(pct(relaySorted, 50)), p95: ms(pct(relaySorted, 95)), p99: ms(pct(relaySorted, 99)) },
    targetP95Ms: 100,
  };
  results['latency'] = summary;
  console.log(`docker → client: ${received}/${published} events, p50 ${summary.dockerToClientMs.p50} ms, p95 ${summary.dockerToClientMs.p95} ms, p99 ${summary.dockerToClientMs.p99} ms (bus → client p95 ${summary.busToClientMs.p95} ms)`);
}

if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
console.log(`\nsummary (relay; ${uptime.replace(/^.*load/, 'load')})`);
for (const x of summary) console.log(`  ${x.goal.padEnd(46)} ${x.figure.padEnd(36)} target ${x.target.padEnd(9)} ${x.met ? 'met' : 'NOT MET'}`);
await stop();
