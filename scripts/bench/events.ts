/**
 * `npm run bench:events`: the event pipeline's figures for docs/benchmarks.md (## Events).
 * 1. Docker event → bus subscriber latency (engine timeNano → delivery), local mode (memory bus) and on Kafka,
 *    with the producer reading the real engine. Events: label updates of one service, one at a time, paced.
 * 2. History pipeline Kafka → Cassandra: N events on a fresh topic, drained by the consumer loop, events/s.
 * 3. Replay of 100,000 stored events through EventHistory.range paging, embedded and Cassandra.
 * Cluster parts need KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS; without them they are skipped and said so.
 * Env: BENCH_LATENCY_EVENTS (default 200; 0 skips part 1), BENCH_PIPELINE_EVENTS (default 100000), BENCH_PAGE
 * (default 5000), BENCH_PIPELINE_ONLY=1 (part 2 alone). Goal (issue 13): the pipeline's rate ≥ 0.8 × the Kafka
 * publish rate measured in the same run, judged on the steady rate (from the first stored batch; the wall rate,
 * which includes the consumer joining its group, is printed beside it). A summary line per goal ends the output.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'cassandra-driver';
import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaEventBus } from '../../lib/events/event-bus/kafka.ts';
import { createMemoryEventBus } from '../../lib/events/event-bus/memory.ts';
import type { EventBusClient } from '../../lib/events/event-bus.ts';
import type { Event } from '../../lib/events/event.ts';
import { createCassandraEventHistory } from '../../lib/events/event-history/cassandra.ts';
import { createEmbeddedEventHistory } from '../../lib/events/event-history/embedded.ts';
import type { EventHistory } from '../../lib/events/event-history.ts';
import { testEvent, waitFor } from '../../lib/events/test-events.ts';
import { runConsumer } from '../../workers/consumer/run.ts';
import { memoryCursor } from '../../workers/producer/cursor.ts';
import { runProducer } from '../../workers/producer/run.ts';

const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 200);
const PIPELINE_EVENTS = Number(process.env.BENCH_PIPELINE_EVENTS ?? 100_000);
const PAGE = Number(process.env.BENCH_PAGE ?? 5000);
const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
const contactPoints = process.env.CASSANDRA_CONTACT_POINTS?.split(',').filter(Boolean);
const localDc = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (ns: bigint) => Number(ns) / 1e6;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const results: Record<string, unknown> = {};
const say = (m: string) => console.error(`[bench:events] ${m}`);
const PIPELINE_ONLY = process.env.BENCH_PIPELINE_ONLY === '1';
const summary: Array<{ goal: string; figure: string; target: string; met: boolean }> = [];
const uptime = (await import('node:child_process')).execFileSync('uptime', { encoding: 'utf8' }).trim();

/** Engine event → subscriber: `count` label updates of one service, each awaited at the subscriber. */
const latency = async (name: string, bus: EventBusClient): Promise<void> => {
  const docker = new Docker();
  const controller = new AbortController();
  const producer = runProducer({ docker, bus, cursor: memoryCursor(), signal: controller.signal, onError: () => {} });
  const service = (await docker.createService({
    Name: `bench-events-${Date.now().toString(36)}`,
    TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '3600'] } },
    Mode: { Replicated: { Replicas: 0 } },
  })) as unknown as { id: string };
  const samples: number[] = [];
  let pending: ((e: Event) => void) | null = null;
  const sub = await bus.subscribe((e) => {
    if (e.actor.id !== service.id || e.action !== 'update') return;
    const received = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    samples.push(ms(received - BigInt(e.timeNano)));
    pending?.(e);
  });
  try {
    await sleep(1500);
    const s = docker.getService(service.id);
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const info = await s.inspect();
      const got = new Promise<Event>((r) => (pending = r));
      await s.update({ version: info.Version.Index, ...info.Spec, Labels: { ...(info.Spec.Labels ?? {}), 'bench.i': String(i) } });
      await Promise.race([got, sleep(5000)]);
      await sleep(20);
    }
  } finally {
    await sub.close();
    await docker.getService(service.id).remove().catch(() => {});
    controller.abort();
    await producer;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  results[`latency ${name}`] = {
    events: sorted.length,
    p50_ms: +pct(sorted, 50).toFixed(1),
    p95_ms: +pct(sorted, 95).toFixed(1),
    p99_ms: +pct(sorted, 99).toFixed(1),
    max_ms: +sorted[sorted.length - 1]!.toFixed(1),
  };
  say(`latency ${name}: ${JSON.stringify(results[`latency ${name}`])}`);
};

const syntheticEvents = (n: number): Event[] => {
  const base = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  return Array.from({ length: n }, (_, i) => testEvent(base + BigInt(i) * 1000n, i, { actor: `bench-${i % 97}` }));
};

const replay = async (name: string, history: EventHistory, expected: number): Promise<void> => {
  const t = performance.now();
  let count = 0;
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await history.range({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    count += page.events.length;
    pages++;
    cursor = page.next;
  } while (cursor);
  const seconds = (performance.now() - t) / 1000;
  if (count !== expected) throw new Error(`replay ${name}: read ${count}, expected ${expected}`);
  results[`replay ${name}`] = { events: count, pages, page: PAGE, seconds: +seconds.toFixed(2), events_per_s: Math.round(count / seconds) };
  say(`replay ${name}: ${JSON.stringify(results[`replay ${name}`])}`);
};

const main = async () => {
  say(`machine: ${uptime}`);
  // 1. Local mode latency.
  if (!PIPELINE_ONLY && LATENCY_EVENTS > 0) {
    const memory = createMemoryEventBus();
    await latency('local (memory bus)', memory);
    await memory.close();
  }

  // 3a. Embedded replay.
  const dir = mkdtempSync(join(tmpdir(), 'bench-events-'));
  const embedded = createEmbeddedEventHistory({ dataDir: dir, retentionDays: 0 });
  const events = syntheticEvents(PIPELINE_EVENTS);
  const t = performance.now();
  for (let i = 0; i < events.length; i += 5000) await embedded.append(events.slice(i, i + 5000));
  results['append embedded'] = { events: events.length, events_per_s: Math.round(events.length / ((performance.now() - t) / 1000)) };
  if (!PIPELINE_ONLY) await replay('embedded (SQLite)', embedded, events.length);
  await embedded.close();
  rmSync(dir, { recursive: true, force: true });

  if (!brokers?.length || !contactPoints?.length) {
    say('KAFKA_BROKERS / CASSANDRA_CONTACT_POINTS not set: cluster figures skipped');
  } else {
    const topic = `bench-events-${randomUUID()}`;
    // 1b. Kafka latency.
    const kafka = await createKafkaEventBus({ brokers, topic, onError: () => {} });
    if (!PIPELINE_ONLY && LATENCY_EVENTS > 0) await latency('Kafka', kafka);

    // 2. Pipeline Kafka → Cassandra.
    const pipeTopic = `bench-pipeline-${randomUUID()}`;
    const pipeBus = await createKafkaEventBus({ brokers, topic: pipeTopic, onError: () => {} });
    const tp = performance.now();
    for (let i = 0; i < events.length; i += 2000) await pipeBus.publish(events.slice(i, i + 2000));
    results['publish Kafka'] = { events: events.length, events_per_s: Math.round(events.length / ((performance.now() - tp) / 1000)) };
    say(`publish Kafka: ${JSON.stringify(results['publish Kafka'])}`);
    const table = `t_${Date.now().toString(36)}`;
    const history = await createCassandraEventHistory({
      contactPoints, localDataCenter: localDc, keyspace: 'bench_events', table, ttlSeconds: 86_400,
    });
    let stored = 0;
    let firstBatch = 0;
    let firstAt = 0;
    const controller = new AbortController();
    const started = performance.now();
    const consumer = runConsumer({
      bus: pipeBus, history, signal: controller.signal, group: `bench-${randomUUID()}`,
      onStored: (b) => {
        if (!firstAt) [firstAt, firstBatch] = [performance.now(), b.length];
        stored += b.length;
      },
    });
    await waitFor('the pipeline', () => stored >= events.length, 600_000);
    const done = performance.now();
    const seconds = (done - started) / 1000;
    controller.abort();
    await consumer;
    results['pipeline Kafka → Cassandra'] = {
      events: stored,
      seconds: +seconds.toFixed(1),
      events_per_s: Math.round(stored / seconds),
      steady_events_per_s: Math.round((stored - firstBatch) / ((done - firstAt) / 1000)),
      note: 'events_per_s includes the consumer joining its group; steady counts from the first stored batch',
    };
    say(`pipeline: ${JSON.stringify(results['pipeline Kafka → Cassandra'])}`);
    const publishRate = (results['publish Kafka'] as { events_per_s: number }).events_per_s;
    const steady = (results['pipeline Kafka → Cassandra'] as { steady_events_per_s: number; events_per_s: number });
    const ratio = steady.steady_events_per_s / publishRate;
    summary.push({
      goal: 'Kafka → Cassandra / Kafka publish rate',
      figure: `${ratio.toFixed(2)} × (${steady.steady_events_per_s} / ${publishRate} ev/s; wall ${steady.events_per_s})`,
      target: '≥ 0.8 ×',
      met: ratio >= 0.8,
    });

    // 3b. Cassandra replay of what the pipeline stored.
    if (!PIPELINE_ONLY) await replay('Cassandra', history, events.length);
    await history.close();
    await pipeBus.close();
    await kafka.close();
    // What the bench made goes away again.
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, pipeTopic] }).finally(() => admin.disconnect());
    const cql = new Client({ contactPoints, localDataCenter: localDc });
    for (const t of [table, `${table}_days`, `${table}_ids`]) await cql.execute(`DROP TABLE IF EXISTS bench_events.${t}`);
    await cql.shutdown();
  }
  console.log(JSON.stringify(results, null, 2));
  console.log(`\nsummary (events; ${uptime.replace(/^.*load/, 'load')})`);
  for (const x of summary) console.log(`  ${x.goal.padEnd(40)} ${x.figure.padEnd(48)} target ${x.target.padEnd(8)} ${x.met ? 'met' : 'NOT MET'}`);
  if (summary.length === 0) console.log('  (no cluster: KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS unset)');
};

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
