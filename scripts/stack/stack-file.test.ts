/**
 * stack.yml as `docker stack config` renders it, alone and with the stack test's override
 * (scripts/stack/stack.local.yml): the settings that kept it from starting, and what the override may change.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

type Service = {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  networks?: Record<string, { aliases?: string[] } | null>;
  secrets?: Array<{ source: string }>;
  deploy?: { mode?: string; replicas?: number; resources?: { limits?: { memory?: string } } };
};
type Rendered = { services: Record<string, Service>; networks: Record<string, { driver_opts?: Record<string, string> }> };

const root = fileURLToPath(new URL('../..', import.meta.url));
const render = (...files: string[]): Rendered =>
  parse(execFileSync('docker', ['stack', 'config', ...files.flatMap((f) => ['-c', f])], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DOMAIN: 'dashboard.example.com', ACME_EMAIL: 'ops@example.com' },
  }));

const test = suite<{ prod: Rendered; local: Rendered }>('stack.yml and the stack test override', {} as never);
test.before((ctx) => {
  ctx.prod = render('stack.yml');
  ctx.local = render('stack.yml', 'scripts/stack/stack.local.yml');
});

test('should give the three Kafka brokers one CLUSTER_ID that decodes to 16 bytes', ({ prod }) => {
  const ids = ['kafka-1', 'kafka-2', 'kafka-3'].map((k) => prod.services[k]!.environment!['CLUSTER_ID']!);
  assert.is(new Set(ids).size, 1);
  assert.match(ids[0]!, /^[A-Za-z0-9_-]{22}$/);
  assert.is(Buffer.from(ids[0]!, 'base64url').length, 16);
});

test('should create the MongoDB root user on mongo-1 only, where rs.initiate runs', ({ prod }) => {
  assert.is(prod.services['mongo-1']!.environment?.['MONGO_INITDB_ROOT_USERNAME'], 'root');
  for (const m of ['mongo-2', 'mongo-3']) {
    assert.not.ok(prod.services[m]!.environment?.['MONGO_INITDB_ROOT_USERNAME'], m);
    assert.ok(prod.services[m]!.secrets!.some((s) => s.source === 'mongo-keyfile'), `${m} keeps the keyfile`);
  }
  assert.match(prod.services['mongo-init']!.command!.join(' '), /--host mongo-1 -u root/);
});

test('should bootstrap each new Cassandra node only after the one before it answers', ({ prod }) => {
  assert.is(prod.services['cassandra-1']!.command, undefined);
  for (const [node, before] of [['cassandra-2', 'cassandra-1'], ['cassandra-3', 'cassandra-2']] as const) {
    const cmd = prod.services[node]!.command!.join(' ');
    assert.match(cmd, new RegExp(`/dev/tcp/${before}/9042`), node);
    assert.match(cmd, /\[ -d \/var\/lib\/cassandra\/data\/system \] \|\|/, `${node} starts at once when it has data`);
    assert.match(cmd, /exec docker-entrypoint\.sh cassandra -f$/);
  }
});

test('should run NATS as three routed members behind the one name nats, without NATS Streaming', ({ prod }) => {
  for (const n of ['nats-1', 'nats-2', 'nats-3']) {
    const s = prod.services[n]!;
    const cmd = s.command!.join(' ');
    assert.match(cmd, /--routes nats:\/\/nats-1:6222,nats:\/\/nats-2:6222,nats:\/\/nats-3:6222/);
    assert.match(cmd, new RegExp(`--name ${n} `));
    assert.equal(s.networks!['functions']!.aliases, ['nats']);
  }
  assert.not.ok(prod.services['nats'] ?? prod.services['queue-worker']);
  assert.not.ok(prod.services['gateway']!.environment!['faas_nats_address'], 'the gateway exits without NATS Streaming');
});

test('should run the relay, the consumer, the producer and the edge on every eligible node', ({ prod }) => {
  for (const s of ['relay', 'consumer', 'producer', 'edge']) assert.is(prod.services[s]!.deploy!.mode, 'global', s);
});

test('should keep encrypted overlays in production and change only images, heaps and encryption locally', ({ prod, local }) => {
  for (const n of ['functions', 'edge']) {
    assert.is(prod.networks[n]!.driver_opts?.['encrypted'], 'true', n);
    assert.is(local.networks[n]!.driver_opts, undefined, n);
  }
  const strip = (s: Service, name: string) => {
    const copy = structuredClone(s) as Service & Record<string, unknown>;
    delete (copy as Partial<Service>).image;
    for (const k of ['KAFKA_HEAP_OPTS', 'MAX_HEAP_SIZE', 'HEAP_NEWSIZE']) delete copy.environment?.[k];
    delete copy.deploy?.resources?.limits?.memory;
    copy.secrets?.sort((x, y) => x.source.localeCompare(y.source));
    // FerretDB stands in for the MongoDB replica set: one member with its own command, the rest off.
    if (name.startsWith('mongo-')) {
      delete copy.command;
      delete copy.deploy?.replicas;
    }
    return copy;
  };
  assert.equal(Object.keys(local.services).sort(), Object.keys(prod.services).sort());
  for (const name of Object.keys(prod.services)) assert.equal(strip(local.services[name]!, name), strip(prod.services[name]!, name), name);
  for (const m of ['mongo-2', 'mongo-3', 'mongo-init']) assert.is(local.services[m]!.deploy!.replicas, 0);
  for (const s of ['kafka-1', 'cassandra-1', 'nats-1', 'mongo-1', 'kafka-init']) assert.match(local.services[s]!.image, /^127\.0\.0\.1:5000\/dashboard-/);
});

test.run();
