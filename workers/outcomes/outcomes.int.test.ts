/**
 * The audit trail knows the outcome, end to end: local mode as a real process against the real swarm, once with
 * the embedded adapters and once with the cluster's (Kafka, Cassandra, MongoDB+NATS). Services are created and
 * updated through the functions; the outcome records come from the producer's observations and the tracker.
 */
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../../lib/events/event.ts';
import { startLocalServer, type LocalServer } from '../../testing/local-server.ts';
import { connectTestSwarm, removeServicesByPrefix, sweepTestServices, testLabels, TEST_IMAGE, uniquePrefix } from '../../testing/swarm.ts';

const SUITE = 'it-outcome';
const swarm = await connectTestSwarm();
await sweepTestServices(swarm, SUITE);

type Ctx = { server: LocalServer; token: string; prefix: string };

async function call(ctx: Ctx, name: string, body: unknown) {
  const res = await fetch(`${ctx.server.url}/function/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The outcome records of `service`, once `count` of them exist. */
async function outcomesOf(ctx: Ctx, service: string, count: number, ms = 90_000): Promise<Event[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await call(ctx, 'list-events', { type: 'audit', action: 'service.outcome', since: '0', limit: 1000 });
    assert.is(res.status, 200, JSON.stringify(res.body));
    const mine = (res.body.events as Event[]).filter((e) => e.actor.attributes['target.id'] === service);
    if (mine.length >= count) return mine;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} outcome(s) of ${service}; got ${JSON.stringify(mine)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function auditOf(ctx: Ctx, id: string): Promise<Event | undefined> {
  const res = await call(ctx, 'list-events', { type: 'audit', since: '0', limit: 1000 });
  return (res.body.events as Event[]).find((e) => e.id === id);
}

// sh as PID 1 ignores SIGTERM: the trap lets old tasks stop at once, so rollouts take seconds.
const QUICK_STOP = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

/** Creates a service through create-service and returns its id once the create's outcome is recorded. */
async function createThroughFunction(ctx: Ctx, name: string): Promise<{ id: string; outcome: Event }> {
  const created = await call(ctx, 'create-service', { name, image: TEST_IMAGE, command: QUICK_STOP, replicas: 1, labels: testLabels(SUITE) });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const [outcome] = await outcomesOf(ctx, created.body.id, 1);
  return { id: created.body.id, outcome: outcome! };
}

/** update-service with a whole spec: the current one changed by `change`. */
async function updateWholeSpec(ctx: Ctx, id: string, change: (spec: Record<string, any>) => void) {
  const inspected = await call(ctx, 'inspect-service', { id });
  assert.is(inspected.status, 200, JSON.stringify(inspected.body));
  const spec = structuredClone(inspected.body.service.spec);
  change(spec);
  const res = await call(ctx, 'update-service', { id, version: inspected.body.service.version, spec });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body as { id: string; version: number };
}

function outcomeSuite(name: string, env: () => Record<string, string>, after: () => Promise<void> = async () => {}) {
  const test = suite<Ctx>(`audit outcomes, ${name}`, {} as Ctx);

  test.before(async (ctx) => {
    ctx.prefix = uniquePrefix(`${SUITE}-`);
    ctx.server = await startLocalServer({ env: env() });
    ctx.token = '';
    const login = await call(ctx, 'login', { username: 'admin', password: ctx.server.adminPassword });
    assert.is(login.status, 200, JSON.stringify(login.body));
    ctx.token = login.body.token;
  });

  test.after(async (ctx) => {
    await removeServicesByPrefix(swarm, ctx.prefix).catch(() => {});
    await ctx.server?.stop();
    await after();
  });

  test('should record completed for a create and for an update whose rollout completes', async (ctx) => {
    const { id, outcome: created } = await createThroughFunction(ctx, `${ctx.prefix}ok`);
    assert.is(created.actor.attributes.outcome, 'completed');
    assert.is(created.actor.attributes['audit.action'], 'service.create');
    const createAudit = await auditOf(ctx, created.actor.attributes.audit!);
    assert.ok(createAudit, 'the outcome names a stored audit entry');
    assert.equal(JSON.parse(createAudit!.actor.attributes.rollouts!), [{ service: id, name: `${ctx.prefix}ok`, version: 0 }]);

    const written = await updateWholeSpec(ctx, id, (spec) => {
      spec.TaskTemplate.ContainerSpec.Env = ['MODE=next', 'TOKEN=s3cret'];
      spec.UpdateConfig = { Parallelism: 1, FailureAction: 'pause', Monitor: 1_000_000_000, Order: 'stop-first' };
    });
    const outcomes = await outcomesOf(ctx, id, 2);
    const updated = outcomes.find((e) => e.actor.attributes['audit.action'] === 'service.update')!;
    assert.ok(updated, JSON.stringify(outcomes));
    assert.is(updated.actor.attributes.outcome, 'completed');
    assert.is(updated.actor.attributes.state, 'completed');
    assert.is(updated.actor.attributes.version, String(written.version));
    assert.is(updated.actor.id, 'admin');
    const audit = await auditOf(ctx, updated.actor.attributes.audit!);
    assert.is(audit?.action, 'service.update');
    // The audit entry's before and after stay redacted.
    assert.not.ok(audit!.actor.attributes.after!.includes('s3cret'));
    assert.ok(audit!.actor.attributes.after!.includes('TOKEN=(changed)'));
  });

  test('should record rolled_back and paused for updates whose tasks exit non-zero', async (ctx) => {
    const [back, paused] = await Promise.all([createThroughFunction(ctx, `${ctx.prefix}back`), createThroughFunction(ctx, `${ctx.prefix}pause`)]);
    const failing = (action: 'rollback' | 'pause') => (spec: Record<string, any>) => {
      spec.TaskTemplate.ContainerSpec.Command = ['sh', '-c', 'sleep 1; exit 3'];
      spec.UpdateConfig = { Parallelism: 1, FailureAction: action, Monitor: 4_000_000_000, MaxFailureRatio: 0, Order: 'stop-first' };
      spec.RollbackConfig = { Parallelism: 1, Monitor: 1_000_000_000, Order: 'stop-first' };
    };
    await Promise.all([updateWholeSpec(ctx, back.id, failing('rollback')), updateWholeSpec(ctx, paused.id, failing('pause'))]);
    const [rolled, held] = await Promise.all([outcomesOf(ctx, back.id, 2), outcomesOf(ctx, paused.id, 2)]);
    const rolledBack = rolled.find((e) => e.actor.attributes['audit.action'] === 'service.update')!;
    assert.is(rolledBack.actor.attributes.outcome, 'rolled_back', JSON.stringify(rolledBack));
    assert.is(rolledBack.actor.attributes.state, 'rollback_completed');
    const pausedOutcome = held.find((e) => e.actor.attributes['audit.action'] === 'service.update')!;
    assert.is(pausedOutcome.actor.attributes.outcome, 'paused', JSON.stringify(pausedOutcome));
    assert.match(pausedOutcome.actor.attributes.message!, /paused/);
  });

  return test;
}

const blank = { MONGO_URL: '', NATS_URL: '', KAFKA_BROKERS: '', CASSANDRA_CONTACT_POINTS: '' };
outcomeSuite('embedded composition (one process)', () => blank).run();

const missing = ['MONGO_URL', 'NATS_URL', 'KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS'].filter((k) => !process.env[k]);
if (missing.length) throw new Error(`outcomes.int.test: set ${missing.join(', ')} (set -a; . /work/logs/servers.env)`);
const run = `outcome_${process.pid}`;
const topic = `swarm-events-${run}`;
outcomeSuite(
  'cluster adapters (Kafka, Cassandra, MongoDB+NATS)',
  () => {
    const mongo = new URL(process.env['MONGO_URL']!);
    mongo.pathname = `/${run}`;
    return { MONGO_URL: mongo.toString(), KAFKA_TOPIC: topic, CASSANDRA_KEYSPACE: run };
  },
  async () => {
    const client = await MongoClient.connect(process.env['MONGO_URL']!);
    await client.db(run).dropDatabase().finally(() => client.close());
    const cql = new cassandra.Client({ contactPoints: process.env['CASSANDRA_CONTACT_POINTS']!.split(','), localDataCenter: process.env['CASSANDRA_LOCAL_DC'] ?? 'datacenter1' });
    await cql.execute(`DROP KEYSPACE IF EXISTS ${run}`).finally(() => cql.shutdown());
    const admin = new Kafka({ brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {}).finally(() => admin.disconnect());
  },
).run();
