/**
 * `npm run bench:relay`: the relay in local mode (in-process bus, embedded history, one process).
 *
 * 1. Replay: 100,000 stored events into a fresh WebSocket client (its own process, as a browser would be), from
 *    the handshake to `{"type":"live"}`. Target ≤ 3 s (issue 3). The history read alone is measured too.
 * 2. Latency: real Docker events (networks created and removed, services created, scaled and removed on the
 *    local swarm) streamed from the engine's `GET /events` into the bus, as the producer does, then through
 *    the relay to a WebSocket client. Latency = client receipt − the event's `timeNano` (same host clock).
 *    Target p95 ≤ 100 ms.
 *
 * Options (env): BENCH_REPLAY_EVENTS (100000), BENCH_REPLAY_RUNS (3), BENCH_DOCKER_ROUNDS (60), BENCH_SKIP_DOCKER=1.
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

if (process.argv[2] === '--replay-client') {
  await replayClient(process.argv[3]!, Number(process.argv[4]));
  process.exit(0);
}

const { url, bus, history, stop } = await startLocalRelay({
  dataDir: dir,
  deps: () => ({
    authenticate: async () => ({ username: 'bench', permissions: ['events.read'] }),
    tokenFromCookie: () => undefined,
    isAllowedOrigin: () => true,
  }),
});
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };

// 1. Replay
{
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
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--replay-client', url, String(REPLAY_EVENTS)], {
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
  results['replay'] = { events: REPLAY_EVENTS, runs, medianMs: sorted[Math.floor(sorted.length / 2)], targetMs: 3000 };
}

// 2. Docker event → WebSocket client
if (process.env['BENCH_SKIP_DOCKER'] !== '1') {
  const docker = new Dockerode();
  let info: { Name: string; Swarm?: { LocalNodeState?: string } };
  try {
    info = (await docker.info()) as typeof info;
  } catch (e) {
    throw new Error(`No Docker engine answers (${(e as Error).message}); run npm run swarm:local, or set BENCH_SKIP_DOCKER=1`);
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

console.log(JSON.stringify(results, null, 2));
await stop();
