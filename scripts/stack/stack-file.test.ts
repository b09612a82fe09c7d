/**
 * stack.yml as `docker stack config` renders it, alone and with the stack test's override
 * (scripts/stack/stack.local.yml): the settings that kept it from starting, and what the override may change.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

type Service = {
  image: string;
  command?: string[];
  user?: string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  networks?: Record<string, { aliases?: string[] } | null>;
  secrets?: Array<{ source: string; target?: string }>;
  configs?: Array<{ source: string; target: string }>;
  deploy?: { mode?: string; replicas?: number; labels?: Record<string, string>; resources?: { limits?: { memory?: string } } };
};
type Rendered = {
  services: Record<string, Service>;
  networks: Record<string, { driver_opts?: Record<string, string>; ipam?: { config?: Array<{ subnet: string }> } }>;
  configs: Record<string, { file: string; template_driver?: string }>;
};

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

test('should let only cassandra-1 be its own seed, so the others bootstrap (stream the data of their ranges)', ({ prod }) => {
  for (const node of ['cassandra-1', 'cassandra-2', 'cassandra-3']) {
    const seeds = prod.services[node]!.environment!['CASSANDRA_SEEDS']!.split(',');
    assert.ok(seeds.length >= 2, `${node} knows two seeds`);
    assert.is(seeds.includes(node), node === 'cassandra-1', `${node} in its own seed list`);
  }
});

test('should run NATS, whose image sets no user, as nobody', ({ prod, local }) => {
  for (const n of ['nats-1', 'nats-2', 'nats-3']) for (const r of [prod, local]) assert.is(r.services[n]!.user, '65534:65534', n);
});

test('should run NATS as three members behind the one name nats, clients and routes authenticated, without NATS Streaming', ({ prod }) => {
  const conf = readFileSync(prod.configs['nats-conf']!.file, 'utf8');
  assert.is(prod.configs['nats-conf']!.template_driver, 'golang');
  assert.match(conf, /authorization \{\s*user: dashboard\s*password: "\{\{ secret "nats-password" \}\}"/);
  assert.match(conf, /cluster \{[^]*authorization \{\s*user: route\s*password: "\{\{ secret "nats-password" \}\}"/);
  for (const n of ['nats-1', 'nats-2', 'nats-3']) {
    assert.match(conf, new RegExp(`"nats://route:\\{\\{ secret "nats-password" \\}\\}@${n}:6222"`));
    const s = prod.services[n]!;
    assert.equal(s.command, ['-c', '/etc/nats/nats.conf', '--name', n]);
    assert.equal(s.configs, [{ source: 'nats-conf', target: '/etc/nats/nats.conf' }]);
    assert.equal(s.networks!['functions']!.aliases, ['nats']);
  }
  assert.not.ok(prod.services['nats'] ?? prod.services['queue-worker']);
  assert.not.ok(prod.services['gateway']!.environment!['faas_nats_address'], 'the gateway exits without NATS Streaming');
});

test('should make Kafka require SASL on every listener: SCRAM for clients, PLAIN for the brokers themselves', ({ prod }) => {
  const jaas = readFileSync(prod.configs['kafka-jaas']!.file, 'utf8');
  assert.is(prod.configs['kafka-jaas']!.template_driver, 'golang');
  assert.match(jaas, /client\.KafkaServer \{\s*org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required;/);
  for (const l of ['internal', 'controller']) {
    assert.match(jaas, new RegExp(`${l}\\.KafkaServer \\{\\s*org\\.apache\\.kafka\\.common\\.security\\.plain\\.PlainLoginModule required\\s*username="broker"\\s*password="\\{\\{ secret "kafka-broker-password" \\}\\}"`));
  }
  for (const k of ['kafka-1', 'kafka-2', 'kafka-3']) {
    const env = prod.services[k]!.environment!;
    assert.is(env['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'], 'CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT');
    assert.not.match(JSON.stringify(env), /PLAINTEXT:PLAINTEXT|PLAINTEXT:\/\//, `${k} keeps an unauthenticated listener`);
    assert.is(env['KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS'], 'SCRAM-SHA-512');
    assert.is(env['KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL'], 'PLAIN');
    assert.is(env['KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL'], 'PLAIN');
    assert.is(env['KAFKA_OPTS'], '-Djava.security.auth.login.config=/etc/kafka/kafka-jaas.conf');
    assert.equal(prod.services[k]!.configs, [{ source: 'kafka-jaas', target: '/etc/kafka/kafka-jaas.conf' }]);
    assert.match(env['KAFKA_ADVERTISED_LISTENERS']!, new RegExp(`^CLIENT://${k}:9092,INTERNAL://${k}:9094$`));
  }
  const init = prod.services['kafka-init']!.command!.join(' ');
  assert.match(init, /kafka-configs\.sh --bootstrap-server \$bootstrap --command-config \/tmp\/admin\.properties --alter\s+\\?\s*--entity-type users --entity-name dashboard --add-config "SCRAM-SHA-512=\[password=\$\(cat \/run\/secrets\/kafka-password\)\]"/);
  assert.match(init, /bootstrap=kafka-1:9094,kafka-2:9094,kafka-3:9094/);
});

test('should make Cassandra require logins, with the dashboard on a role of its own made by cassandra-init', ({ prod }) => {
  for (const c of ['cassandra-1', 'cassandra-2', 'cassandra-3']) {
    const opts = prod.services[c]!.environment!['JVM_EXTRA_OPTS']!;
    assert.match(opts, /-Dcassandra\.config\.allow_system_properties=true/);
    assert.match(opts, /-Dcassandra\.settings\.authenticator=PasswordAuthenticator/);
    assert.match(opts, /-Dcassandra\.settings\.authorizer=CassandraAuthorizer/);
  }
  const init = prod.services['cassandra-init']!;
  assert.equal(init.command, ['node', '/app/cassandra-init.mjs']);
  assert.is(init.environment!['CASSANDRA_USERNAME'], 'dashboard');
  assert.is(init.environment!['CASSANDRA_SUPERUSER_PASSWORD_FILE'], '/run/secrets/cassandra-superuser-password');
  for (const [name, s] of Object.entries(prod.services)) {
    if (name === 'cassandra-init') continue;
    assert.not.ok(s.secrets?.some((x) => x.source === 'cassandra-superuser-password'), `${name} holds the Cassandra superuser's password`);
  }
});

test('should hand every dashboard process its credentials as secret files, never as values in the environment', ({ prod }) => {
  const needs: Record<string, string[]> = {
    producer: ['KAFKA'],
    consumer: ['KAFKA', 'CASSANDRA'],
    alerts: ['KAFKA'],
    relay: ['KAFKA', 'CASSANDRA', 'NATS'],
  };
  const secretOf: Record<string, string> = { KAFKA: 'kafka-password', CASSANDRA: 'cassandra-password', NATS: 'nats-password' };
  for (const [name, kinds] of Object.entries(needs)) {
    const s = prod.services[name]!;
    for (const kind of kinds) {
      assert.is(s.environment![kind === 'NATS' ? 'NATS_USER' : `${kind}_USERNAME`], 'dashboard', `${name} ${kind}`);
      assert.is(s.environment![`${kind}_PASSWORD_FILE`], `/run/secrets/${secretOf[kind]}`, `${name} ${kind}`);
      assert.ok(s.secrets!.some((x) => x.source === secretOf[kind]), `${name} lacks the ${secretOf[kind]} secret`);
    }
  }
  for (const [name, s] of Object.entries(prod.services)) {
    for (const key of Object.keys(s.environment ?? {})) assert.not.match(key, /(PASSWORD|TOKEN|SECRET)$/, `${name} has ${key} in its environment`);
  }
});

test('should fill every templated config only with secrets the services using it hold', ({ prod }) => {
  for (const [config, { file, template_driver }] of Object.entries(prod.configs)) {
    const wanted = [...readFileSync(file, 'utf8').matchAll(/\{\{ secret "([^"]+)" \}\}/g)].map((m) => m[1]!);
    if (!template_driver) {
      assert.equal(wanted, [], `${config} names secrets but is not templated`);
      continue;
    }
    for (const [name, s] of Object.entries(prod.services)) {
      if (!s.configs?.some((c) => c.source === config)) continue;
      for (const w of new Set(wanted)) assert.ok(s.secrets?.some((x) => (x.target ?? x.source) === w), `${name} uses ${config} without the ${w} secret`);
    }
  }
});

test('should label every service of the stack dashboard.system=true', ({ prod, local }) => {
  for (const [name, s] of Object.entries(prod.services)) assert.is(s.deploy?.labels?.['dashboard.system'], 'true', name);
  for (const [name, s] of Object.entries(local.services)) assert.is(s.deploy?.labels?.['dashboard.system'], 'true', `${name} (local)`);
});

test('should trust only the fixed subnets of the stack\'s own overlays as proxies', ({ prod, local }) => {
  const subnets = Object.fromEntries(['functions', 'edge'].map((n) => [n, prod.networks[n]!.ipam!.config![0]!.subnet]));
  assert.equal(subnets, { functions: '10.231.0.0/16', edge: '10.232.0.0/16' });
  for (const n of ['functions', 'edge']) assert.equal(local.networks[n]!.ipam, prod.networks[n]!.ipam, n);
  assert.is(prod.services['relay']!.environment!['TRUSTED_PROXIES'], subnets['edge']);
  const faas = readFileSync(fileURLToPath(new URL('../../faas.yml', import.meta.url)), 'utf8');
  const trusted = [...faas.matchAll(/TRUSTED_PROXIES: \$\{FN_TRUSTED_PROXIES:-([^}]+)\}/g)].map((m) => m[1]);
  assert.ok(trusted.length >= 20, 'faas.yml sets TRUSTED_PROXIES on the functions');
  assert.equal([...new Set(trusted)], [`${subnets['functions']},${subnets['edge']}`]);
});

test('should run the relay, the consumer, the producer and the edge on every eligible node', ({ prod }) => {
  for (const s of ['relay', 'consumer', 'producer', 'edge']) assert.is(prod.services[s]!.deploy!.mode, 'global', s);
});

test('should keep encrypted overlays in production and change only images, heaps and encryption locally', ({ prod, local }) => {
  for (const n of ['functions', 'edge']) {
    assert.is(prod.networks[n]!.driver_opts?.['encrypted'], 'true', n);
    assert.is(local.networks[n]!.driver_opts, undefined, n);
    // …and nothing else of them: not attachable, as in production.
    const { driver_opts: _prod, ...prodRest } = prod.networks[n]!;
    assert.equal(local.networks[n], prodRest, n);
  }
  const strip = (s: Service, name: string) => {
    const copy = structuredClone(s) as Service & Record<string, unknown>;
    delete (copy as Partial<Service>).image;
    for (const k of ['KAFKA_HEAP_OPTS', 'MAX_HEAP_SIZE', 'HEAP_NEWSIZE']) delete copy.environment?.[k];
    delete copy.deploy?.resources?.limits?.memory;
    copy.secrets?.sort((x, y) => x.source.localeCompare(y.source));
    // FerretDB stands in for the MongoDB replica set: one member with its own command, which creates the
    // dashboard's user from mongo-app-password (mongo-init's work in production); the rest off.
    if (name.startsWith('mongo-')) {
      delete copy.command;
      delete copy.entrypoint;
      copy.secrets = copy.secrets?.filter((x) => x.source !== 'mongo-app-password');
      delete copy.deploy?.replicas;
    }
    return copy;
  };
  assert.equal(Object.keys(local.services).sort(), Object.keys(prod.services).sort());
  for (const name of Object.keys(prod.services)) assert.equal(strip(local.services[name]!, name), strip(prod.services[name]!, name), name);
  for (const m of ['mongo-2', 'mongo-3', 'mongo-init']) assert.is(local.services[m]!.deploy!.replicas, 0);
  const ferret = local.services['mongo-1']!;
  assert.ok(ferret.secrets!.some((x) => x.source === 'mongo-app-password'), 'the stand-in reads the app password');
  assert.match(ferret.command!.join(' '), /--test-enable-new-auth --setup-database=dashboard --setup-username=dashboard/);
  assert.match(ferret.command!.join(' '), /FERRETDB_SETUP_PASSWORD=\$\(cat \/run\/secrets\/mongo-app-password\)/);
  for (const s of ['kafka-1', 'cassandra-1', 'nats-1', 'mongo-1', 'kafka-init']) assert.match(local.services[s]!.image, /^127\.0\.0\.1:5000\/dashboard-/);
});

test.run();
