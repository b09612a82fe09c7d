/**
 * Exactly one delivery per rule and event across restarts of the alerts worker, on the real servers: the worker
 * runs as a real child process (workers/alerts/main.ts) on its own Kafka topic and group and its own MongoDB
 * (FerretDB) database, and delivers to a real receiver on 127.0.0.1. Mid-stream it is killed (SIGKILL: sends in
 * flight are lost, their leases must run out) and later stopped (SIGTERM: it hands its deliveries back); a new
 * one takes over each time. Some events go on the bus twice (at least once), some are clean exits (no alert),
 * and the receiver answers 500 at first (retries). Every failing event must end with one delivered delivery.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testRule } from '../../lib/alerts/alert-store.contract.ts';
import { createMongoAlertStore } from '../../lib/alerts/alert-store/mongo.ts';
import { fromDockerEvent } from '../../lib/events/docker-event.ts';
import { createKafkaEventBus } from '../../lib/events/event-bus/kafka.ts';
import type { Event } from '../../lib/events/event.ts';
import { waitFor } from '../../lib/events/test-events.ts';
import { startWebhookReceiver } from '../../testing/webhook-receiver.ts';

const brokers = process.env.KAFKA_BROKERS;
const mongoUrl = process.env.MONGO_URL;
if (!brokers || !mongoUrl) {
  console.error('KAFKA_BROKERS and MONGO_URL must be set: start the servers (npm run servers) and export what they print');
  process.exit(1);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = `${process.pid}-${Date.now().toString(36)}`;
const topic = `test-alerts-${run}`;
const database = `alerts_restart_${run.replace(/-/g, '_')}`;
const t0 = Date.now();
const say = (m: string) => console.log(`[alerts-restart +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
/** A task container's die, now; exit code 0 is a clean exit and no alert. */
const die = (exitCode: string): Event =>
  fromDockerEvent({
    Type: 'container', Action: 'die', scope: 'local', timeNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(++seq)),
    Actor: { ID: `c${seq}-${run}`, Attributes: { exitCode, 'com.docker.swarm.task.id': `t${seq}`, 'com.docker.swarm.service.name': 'shop_web', 'com.docker.stack.namespace': 'shop', 'com.docker.swarm.node.id': 'n1' } },
  }, 'n1')!;

const test = suite('alerts worker restarts (real Kafka, FerretDB, child processes)');

test('should make exactly one delivery per rule and event across a kill and a stop mid-stream', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'alerts-restart-'));
  const receiver = await startWebhookReceiver([500, 500, 500], { delayMs: 150 });
  const store = await createMongoAlertStore({ url: mongoUrl, database });
  const bus = await createKafkaEventBus({ brokers: brokers.split(','), topic, partitions: 3, onError: () => {} });
  const children: ChildProcess[] = [];
  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    EVENTS_GROUP: `alerts-${run}`,
    MONGO_URL: new URL(database, mongoUrl.endsWith('/') ? mongoUrl : `${mongoUrl}/`).toString(),
    DATA_DIR: dataDir,
    ALERT_WEBHOOK_ALLOW_PRIVATE: 'true',
    ALERT_RETRY_BACKOFF_MS: '100',
    ALERT_WEBHOOK_TIMEOUT_MS: '1000',
  };
  const start = (name: string) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'workers/alerts/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    p.stdout!.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
    p.stderr!.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
    children.push(p);
    say(`started ${name} (pid ${p.pid})`);
    return { p, lines, exited: new Promise<number | null>((r) => p.once('exit', (code) => r(code))) };
  };
  const failing: Event[] = [];
  const publish = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const clean = i % 5 === 4;
      const event = die(clean ? '0' : '1');
      if (!clean) failing.push(event);
      await bus.publish(i % 3 === 0 ? [event, event] : [event]); // every third one twice: the bus is at least once
      await sleep(60);
    }
  };
  try {
    await store.createRule(testRule('shop', { on: ['task.failed'], match: { stack: 'shop' }, createdAt: new Date(Date.now() - 1000).toISOString(), webhook: { url: receiver.url, secret: 'restart-secret-1234' } }));
    await store.createRule(testRule('other', { on: ['task.failed'], match: { stack: 'blog' }, createdAt: new Date(Date.now() - 1000).toISOString(), webhook: { url: receiver.url, secret: 'other-secret-12345' } }));

    const a = start('A');
    await waitFor('A to join', () => a.lines.some((l) => l.includes('evaluating alert rules')), 30_000);
    await publish(10);
    await waitFor('A to deliver some', () => receiver.received.length >= 3, 20_000);
    a.p.kill('SIGKILL');
    say(`killed A after ${receiver.received.length} requests`);
    await a.exited;
    await publish(10); // nobody consumes these until B has joined

    const b = start('B');
    await publish(10);
    await waitFor('B to deliver', async () => (await store.listDeliveries({ limit: 1000 })).filter((d) => d.status === 'delivered').length >= failing.length - 8, 90_000);
    b.p.kill('SIGTERM');
    const code = await b.exited;
    say(`stopped B (exit ${code})`);
    assert.is(code, 0, b.lines.slice(-5).join('\n'));
    await publish(10);

    const c = start('C');
    await waitFor('every failing event delivered', async () => {
      const all = await store.listDeliveries({ limit: 1000 });
      return all.length === failing.length && all.every((d) => d.status === 'delivered');
    }, 90_000);
    await sleep(1500); // nothing more may come

    const deliveries = await store.listDeliveries({ limit: 1000 });
    assert.is(deliveries.length, failing.length, 'one delivery per failing event for the matching rule, none for the other');
    assert.equal(new Set(deliveries.map((d) => d.event.id)).size, failing.length);
    assert.equal(new Set(deliveries.map((d) => d.event.id)), new Set(failing.map((e) => e.id)));
    assert.ok(deliveries.every((d) => d.ruleId === 'shop' && d.status === 'delivered'));
    const received = receiver.received.filter((r) => r.headers['x-dashboard-delivery']);
    const ids = received.map((r) => String(r.headers['x-dashboard-delivery']));
    assert.equal(new Set(ids), new Set(deliveries.map((d) => d.id)), 'the receiver got every delivery');
    for (const r of received) assert.ok(receiver.verify(r, 'restart-secret-1234'));
    const retried = deliveries.filter((d) => d.attempts > 1).length;
    const repeats = ids.length - new Set(ids).size - 3; // the three 500s were answered, then retried
    say(`${failing.length} failing events, ${deliveries.length} deliveries, ${received.length} requests, ${retried} retried, ${Math.max(repeats, 0)} repeated POSTs beyond the retries`);
    c.p.kill('SIGTERM');
    assert.is(await c.exited, 0);
  } finally {
    for (const p of children) if (p.exitCode === null) p.kill('SIGKILL');
    await bus.close();
    await store.close();
    await receiver.close();
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
    const mongo = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 2000 });
    await mongo.db(database).dropDatabase().finally(() => mongo.close());
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
