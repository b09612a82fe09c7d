/**
 * Audit outcomes in the cluster composition, each part its own process: the producer and the consumer (with the
 * outcome tracker) as their main.ts, the function mounted here as a function process mounts it, publishing its
 * audit entry on Kafka; the history is Cassandra. Real engine, real servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { updateService } from '../../functions/update-service/function.ts';
import { createKafkaEventBus } from '../../lib/events/event-bus/kafka.ts';
import type { EventBusClient } from '../../lib/events/event-bus.ts';
import type { Event } from '../../lib/events/event.ts';
import { waitFor } from '../../lib/events/test-events.ts';
import { mountFunction } from '../../lib/http/mount.ts';
import { ALL_PERMISSIONS, createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { admitted, connectTestSwarm, removeServicesByPrefix, sweepTestServices, testServiceSpec, uniquePrefix } from '../../testing/swarm.ts';

const missing = ['KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS'].filter((k) => !process.env[k]);
if (missing.length) throw new Error(`cluster.int.test: set ${missing.join(', ')} (set -a; . /work/logs/servers.env)`);

const SUITE = 'it-outcome';
const swarm = await connectTestSwarm();
await sweepTestServices(swarm, SUITE);

type Ctx = { children: ChildProcess[]; output: string[]; bus: EventBusClient; deps: TestDeps; dataDir: string; prefix: string };
const test = suite<Ctx>('audit outcomes, cluster composition (producer and consumer processes, Kafka, Cassandra)', {} as Ctx);
const run = `outcome_cl_${process.pid}`;
const topic = `swarm-events-${run}`;
const brokers = process.env['KAFKA_BROKERS']!.split(',');

const startWorker = (ctx: Ctx, name: 'producer' | 'consumer') => {
  const child = spawn(process.execPath, ['--import', 'tsx', `workers/${name}/main.ts`], {
    env: { ...process.env, KAFKA_TOPIC: topic, CASSANDRA_KEYSPACE: run, DATA_DIR: ctx.dataDir, MONGO_URL: '', NATS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const i = ctx.output.push('') - 1;
  child.stdout!.on('data', (d) => (ctx.output[i] += d));
  child.stderr!.on('data', (d) => (ctx.output[i] += d));
  ctx.children.push(child);
};

test.before(async (ctx) => {
  ctx.prefix = uniquePrefix(`${SUITE}-`);
  ctx.children = [];
  ctx.output = [];
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'outcome-cluster-'));
  ctx.bus = await createKafkaEventBus({ brokers, topic });
  ctx.deps = await createTestDeps({ swarm });
  // The function process's bus: its audit entries go to Kafka, as serve-function's do.
  ctx.deps.events = ctx.bus;
  startWorker(ctx, 'consumer');
  startWorker(ctx, 'producer');
});

test.after(async (ctx) => {
  await removeServicesByPrefix(swarm, ctx.prefix).catch(() => {});
  await Promise.all(
    ctx.children.map((c) => (c.exitCode === null ? new Promise((r) => (c.once('exit', r), c.kill('SIGTERM'))) : undefined)),
  );
  await ctx.bus?.close();
  await ctx.deps?.cleanup();
  rmSync(ctx.dataDir, { recursive: true, force: true });
  const cql = new cassandra.Client({ contactPoints: process.env['CASSANDRA_CONTACT_POINTS']!.split(','), localDataCenter: process.env['CASSANDRA_LOCAL_DC'] ?? 'datacenter1' });
  await cql.execute(`DROP KEYSPACE IF EXISTS ${run}`).finally(() => cql.shutdown());
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {}).finally(() => admin.disconnect());
});

test('should record completed and rolled_back for updates made through the function', async (ctx) => {
  const live: Event[] = [];
  await ctx.bus.subscribe((e) => live.push(e));
  const { authorization } = await ctx.deps.addUser('ops', ALL_PERMISSIONS);
  const [ok, bad] = await Promise.all(
    ['ok', 'bad'].map(async (n) => (await swarm.createService(await admitted(testServiceSpec({ name: `${ctx.prefix}${n}`, replicas: 1 })))).id),
  );
  await waitFor('both services running', async () => (await swarm.listServices({ ids: [ok!, bad!] })).every((s) => s.replicas.running === 1), 60_000);
  const update = async (id: string, change: (spec: Record<string, any>) => void) => {
    const current = await swarm.inspectService(id);
    const spec = structuredClone(current.service.spec) as Record<string, any>;
    change(spec);
    const res = await mountFunction(updateService, ctx.deps).request('/', post({ id, version: current.service.version, spec }, { authorization }));
    assert.is(res.status, 200, await res.clone().text());
  };
  await update(ok!, (spec) => {
    spec.TaskTemplate.ContainerSpec.Env = ['MODE=next'];
    spec.UpdateConfig = { Parallelism: 1, FailureAction: 'pause', Monitor: 1_000_000_000 };
  });
  await update(bad!, (spec) => {
    spec.TaskTemplate.ContainerSpec.Command = ['sh', '-c', 'sleep 1; exit 3'];
    spec.UpdateConfig = { Parallelism: 1, FailureAction: 'rollback', Monitor: 4_000_000_000, MaxFailureRatio: 0 };
    spec.RollbackConfig = { Parallelism: 1, Monitor: 1_000_000_000 };
  });
  const outcome = (id: string) => live.find((e) => e.action === 'service.outcome' && e.actor.attributes['target.id'] === id);
  try {
    await waitFor('both outcomes on the bus', () => outcome(ok!) !== undefined && outcome(bad!) !== undefined, 120_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${ctx.output.join('\n---\n').slice(-4000)}`);
  }
  assert.is(outcome(ok!)!.actor.attributes.outcome, 'completed');
  assert.is(outcome(bad!)!.actor.attributes.outcome, 'rolled_back');
  assert.is(outcome(bad!)!.actor.attributes.state, 'rollback_completed');
  const audit = live.find((e) => e.id === outcome(bad!)!.actor.attributes.audit);
  assert.is(audit?.action, 'service.update');
  assert.is(audit?.actor.id, 'ops');
});

test.run();
