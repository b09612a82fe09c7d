import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadWorkerConfig } from './config.ts';
import { createTokenService } from './auth/tokens.ts';

const test = suite<{ dir: string }>('config and secrets', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-'));
});
test.after.each(({ dir }) => rmSync(dir, { recursive: true, force: true }));

test('should leave DATA_DIR alone for a worker that stores nothing locally (its image runs as a user without /app)', ({ dir }) => {
  const dataDir = join(dir, 'not-made');
  loadWorkerConfig({ DATA_DIR: dataDir, KAFKA_BROKERS: 'kafka-1:9092', CASSANDRA_CONTACT_POINTS: 'cassandra-1' }, 'consumer');
  assert.throws(() => statSync(dataDir), /ENOENT/);
  // A generated JWT secret makes it (local mode's first start).
  loadConfig({ DATA_DIR: dataDir });
  assert.is(statSync(dataDir).mode & 0o777, 0o700);
});

test('should use the contract defaults', ({ dir }) => {
  const config = loadConfig({ DATA_DIR: dir });
  assert.is(config.port, 8080);
  assert.is(config.host, '127.0.0.1');
  assert.is(config.adminUsername, 'admin');
  assert.is(config.adminPassword, undefined);
  assert.is(config.tokenTtlSeconds, 900);
});

test('should default the session lifetime, the allowed hosts and the trusted proxies', ({ dir }) => {
  const config = loadConfig({ DATA_DIR: dir, ALLOWED_ORIGINS: 'https://Dash.Example.com:8443' });
  assert.is(config.sessionMaxSeconds, 12 * 3600);
  assert.equal(config.allowedHosts, ['127.0.0.1', 'localhost', '[::1]', 'dash.example.com']);
  assert.equal(config.trustedProxies, []);
  assert.equal(loadConfig({ DATA_DIR: dir, HOST: '::1' }).allowedHosts, ['[::1]', '127.0.0.1', 'localhost']);
  assert.equal(loadConfig({ DATA_DIR: dir, HOST: '0.0.0.0' }).allowedHosts, ['127.0.0.1', 'localhost', '[::1]']);
  const set = loadConfig({ DATA_DIR: dir, SESSION_MAX_SECONDS: '3600', ALLOWED_HOSTS: 'Dash.lan, 192.0.2.1', TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7, fd00::/8', ADMIN_USERNAME: 'Root' });
  assert.is(set.sessionMaxSeconds, 3600);
  assert.equal(set.allowedHosts, ['dash.lan', '192.0.2.1']);
  assert.equal(set.trustedProxies, ['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);
  assert.is(set.adminUsername, 'root');
});

test('should generate a 256-bit signing secret into DATA_DIR with mode 0600, once', ({ dir }) => {
  const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
  assert.is(first.length, 32);
  assert.is(statSync(join(dir, 'jwt-secret')).mode & 0o777, 0o600);
  assert.equal(loadConfig({ DATA_DIR: dir }).jwtSecret, first);
});

test('should fail the boot with a clear message for a missing or short secret file', ({ dir }) => {
  assert.throws(() => loadConfig({ DATA_DIR: dir, JWT_SECRET_FILE: join(dir, 'nope') }), /Cannot read the JWT secret/);
  writeFileSync(join(dir, 'short'), Buffer.alloc(16, 1).toString('base64url'));
  assert.throws(() => loadConfig({ DATA_DIR: dir, JWT_SECRET_FILE: join(dir, 'short') }), /at least 32 bytes/);
});

test('should read the admin password from ADMIN_PASSWORD_FILE', ({ dir }) => {
  writeFileSync(join(dir, 'pw'), 'from a file\n');
  assert.is(loadConfig({ DATA_DIR: dir, ADMIN_PASSWORD_FILE: join(dir, 'pw') }).adminPassword, 'from a file');
  assert.throws(() => loadConfig({ DATA_DIR: dir, ADMIN_PASSWORD_FILE: join(dir, 'missing') }), /ADMIN_PASSWORD_FILE/);
});

test('should refuse a bad port, a token lifetime over 15 minutes and a short key', ({ dir }) => {
  assert.throws(() => loadConfig({ DATA_DIR: dir, PORT: 'http' }), /PORT/);
  const secret = new Uint8Array(32);
  assert.throws(() => createTokenService({ secret, ttlSeconds: 901 }), /lifetime/);
  assert.throws(() => createTokenService({ secret: new Uint8Array(31) }), /256 bits/);
});

test('should read the event cluster settings, trimming every list', ({ dir }) => {
  const env = {
    DATA_DIR: dir, KAFKA_BROKERS: 'a:1, b:2 ,', CASSANDRA_CONTACT_POINTS: 'c:3', CASSANDRA_LOCAL_DC: 'dc',
    CASSANDRA_KEYSPACE: 'ks', CASSANDRA_REPLICATION_FACTOR: '3', KAFKA_TOPIC: 't', KAFKA_PARTITIONS: '6', EVENTS_TTL_DAYS: '7',
  };
  const expected = {
    dataDir: dir, kafkaBrokers: ['a:1', 'b:2'], cassandraContactPoints: ['c:3'], cassandraLocalDc: 'dc', cassandraKeyspace: 'ks',
    cassandraReplicationFactor: 3, kafkaTopic: 't', kafkaPartitions: 6, ttlDays: 7,
  };
  assert.equal(loadConfig(env).events, expected);
  assert.equal(loadWorkerConfig(env, 'consumer').events, expected);
  assert.equal(loadWorkerConfig(env, 'producer').events.kafkaBrokers, ['a:1', 'b:2']);
});

test('should default to the embedded event store', ({ dir }) => {
  assert.equal(loadConfig({ DATA_DIR: dir }).events, { dataDir: dir, ttlDays: 30 });
});

test('should name the variable and the expected form in every error', ({ dir }) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ EVENTS_TTL_DAYS: 'thirty' }, /EVENTS_TTL_DAYS must be an integer/],
    [{ CASSANDRA_REPLICATION_FACTOR: '-1' }, /CASSANDRA_REPLICATION_FACTOR must be an integer from 1/],
    [{ KAFKA_BROKERS: 'kafka-1' }, /KAFKA_BROKERS must be a comma-separated list of host:port, got "kafka-1"/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be true or false/],
    [{ MONGO_URL: 'localhost:27017' }, /MONGO_URL must be a URL \(mongodb:\/\/…/],
    [{ NATS_URL: 'http://x' }, /NATS_URL must be a URL/],
    [{ ALLOWED_ORIGINS: 'dash.example.com' }, /ALLOWED_ORIGINS must be a comma-separated list of origins/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ POLICY_ALLOWED_PORTS: '80,http' }, /POLICY_ALLOWED_PORTS must be a comma-separated list of ports or ranges/],
    [{ POLICY_ALLOWED_PORTS: '9000-8000' }, /POLICY_ALLOWED_PORTS/],
    [{ POLICY_ALLOWED_PORTS: '0' }, /POLICY_ALLOWED_PORTS/],
    [{ POLICY_ALLOWED_PORTS: '65536' }, /POLICY_ALLOWED_PORTS/],
    [{ POLICY_PORT_RANGE: '80-8080' }, /POLICY_PORT_RANGE must be a range of ports within 1024-65535/],
    [{ POLICY_PORT_RANGE: '30000' }, /POLICY_PORT_RANGE/],
    [{ POLICY_PORT_RANGE: '32767-30000' }, /POLICY_PORT_RANGE/],
    [{ SESSION_MAX_SECONDS: '60' }, /SESSION_MAX_SECONDS must be an integer from 900/],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, /TRUSTED_PROXIES must be a comma-separated list of addresses or CIDR blocks/],
    [{ TRUSTED_PROXIES: 'proxy.local' }, /TRUSTED_PROXIES must be/],
    [{ ALLOWED_HOSTS: 'dash.example.com:8080' }, /ALLOWED_HOSTS must be a comma-separated list of host names/],
  ];
  for (const [env, message] of cases) {
    try {
      loadConfig({ DATA_DIR: dir, ...env });
      assert.unreachable(`${JSON.stringify(env)} was accepted`);
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, message);
    }
  }
});

test('should read POLICY_ALLOWED_PORTS as inclusive ranges, none by default', ({ dir }) => {
  assert.equal(loadConfig({ DATA_DIR: dir }).policyAllowedPorts, []);
  assert.equal(loadConfig({ DATA_DIR: dir, POLICY_ALLOWED_PORTS: '80, 443,8000-8100' }).policyAllowedPorts, [[80, 80], [443, 443], [8000, 8100]]);
});

test('should read POLICY_PORT_RANGE, 1024-65535 by default', ({ dir }) => {
  assert.equal(loadConfig({ DATA_DIR: dir }).policyPortRange, [1024, 65535]);
  assert.equal(loadConfig({ DATA_DIR: dir, POLICY_PORT_RANGE: '30000-32767' }).policyPortRange, [30000, 32767]);
});

test('should read the relay limits, and leave the defaults to the relay when unset', ({ dir }) => {
  assert.equal(loadConfig({ DATA_DIR: dir }, 'relay').relay, {});
  const env = {
    DATA_DIR: dir,
    RELAY_MAX_CONNECTIONS: '500',
    RELAY_MAX_CONNECTIONS_PER_USER: '3',
    RELAY_MAX_REPLAY_EVENTS: '2000',
    RELAY_MAX_REPLAY_BYTES: '1048576',
  };
  assert.equal(loadConfig(env, 'relay').relay, { maxConnections: 500, maxConnectionsPerUser: 3, maxReplayEvents: 2000, maxReplayBytes: 1048576 });
  assert.throws(() => loadConfig({ DATA_DIR: dir, RELAY_MAX_CONNECTIONS_PER_USER: '0' }, 'relay'), /RELAY_MAX_CONNECTIONS_PER_USER must be an integer from 1/);
  assert.throws(() => loadConfig({ DATA_DIR: dir, RELAY_MAX_CONNECTIONS: 'many' }, 'relay'), /RELAY_MAX_CONNECTIONS must be an integer/);
});

test('should require what each worker needs', ({ dir }) => {
  assert.throws(() => loadWorkerConfig({ DATA_DIR: dir }, 'producer'), /KAFKA_BROKERS is required/);
  assert.throws(() => loadWorkerConfig({ DATA_DIR: dir, KAFKA_BROKERS: 'k:9092' }, 'consumer'), /CASSANDRA_CONTACT_POINTS is required/);
});

test('should read the alert settings, refusing private webhook targets by default', ({ dir }) => {
  assert.equal(loadConfig({ DATA_DIR: dir }).alerts, { allowPrivate: false, timeoutMs: 5000, attempts: 5, backoffMs: 1000 });
  const env = { DATA_DIR: dir, ALERT_WEBHOOK_ALLOW_PRIVATE: 'true', ALERT_WEBHOOK_TIMEOUT_MS: '800', ALERT_RETRY_ATTEMPTS: '3', ALERT_RETRY_BACKOFF_MS: '50' };
  assert.equal(loadConfig(env).alerts, { allowPrivate: true, timeoutMs: 800, attempts: 3, backoffMs: 50 });
  assert.throws(() => loadConfig({ DATA_DIR: dir, ALERT_WEBHOOK_ALLOW_PRIVATE: 'yes' }), /ALERT_WEBHOOK_ALLOW_PRIVATE must be true or false/);
  assert.throws(() => loadConfig({ DATA_DIR: dir, ALERT_RETRY_ATTEMPTS: '0' }), /ALERT_RETRY_ATTEMPTS must be an integer from 1 to 20/);
});

test('should require Kafka and MongoDB for the alerts worker', ({ dir }) => {
  assert.throws(() => loadWorkerConfig({ DATA_DIR: dir, KAFKA_BROKERS: 'k:9092' }, 'alerts'), /MONGO_URL is required for the alerts worker/);
  const config = loadWorkerConfig({ DATA_DIR: dir, KAFKA_BROKERS: 'k:9092', MONGO_URL: 'mongodb://db:27017/x', ALERT_RETRY_ATTEMPTS: '2' }, 'alerts');
  assert.equal([config.role, config.mongoUrl, config.alerts?.attempts], ['alerts', 'mongodb://db:27017/x', 2]);
});

test('should read a secret setting from <NAME>_FILE', ({ dir }) => {
  writeFileSync(join(dir, 'mongo'), 'mongodb://u:p@db:27017/x\n');
  assert.is(loadConfig({ DATA_DIR: dir, MONGO_URL_FILE: join(dir, 'mongo') }).mongoUrl, 'mongodb://u:p@db:27017/x');
});

test('should read the Kafka, Cassandra, NATS and MongoDB credentials, each also from <NAME>_FILE', ({ dir }) => {
  for (const [name, value] of [['kafka', 'k-secret'], ['cassandra', 'c-secret'], ['nats', 'n-secret'], ['mongo', 'p@ss/w:rd']] as const) {
    writeFileSync(join(dir, name), `${value}\n`);
  }
  const env = {
    DATA_DIR: dir, KAFKA_BROKERS: 'k:9092', CASSANDRA_CONTACT_POINTS: 'c', MONGO_URL: 'mongodb://m1:27017,m2:27017/dashboard?replicaSet=rs0',
    KAFKA_USERNAME: 'dashboard', KAFKA_PASSWORD_FILE: join(dir, 'kafka'),
    CASSANDRA_USERNAME: 'dashboard', CASSANDRA_PASSWORD_FILE: join(dir, 'cassandra'),
    NATS_USER: 'dashboard', NATS_PASSWORD_FILE: join(dir, 'nats'),
    MONGO_USERNAME: 'dashboard', MONGO_PASSWORD_FILE: join(dir, 'mongo'), MONGO_AUTH_SOURCE: 'dashboard',
  };
  const config = loadConfig(env);
  assert.equal(config.events.kafkaSasl, { mechanism: 'scram-sha-512', username: 'dashboard', password: 'k-secret' });
  assert.equal(config.events.cassandraCredentials, { username: 'dashboard', password: 'c-secret' });
  assert.equal(config.natsAuth, { user: 'dashboard', pass: 'n-secret' });
  assert.is(config.mongoUrl, 'mongodb://dashboard:p%40ss%2Fw%3Ard@m1:27017,m2:27017/dashboard?replicaSet=rs0&authSource=dashboard');
  const worker = loadWorkerConfig({ ...env, KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_PASSWORD: 'direct' }, 'consumer');
  assert.equal(worker.events.kafkaSasl, { mechanism: 'plain', username: 'dashboard', password: 'direct' });
  assert.equal(worker.events.cassandraCredentials, { username: 'dashboard', password: 'c-secret' });
  assert.equal(loadConfig({ DATA_DIR: dir, NATS_TOKEN: 't0ken' }).natsAuth, { token: 't0ken' });
  const none = loadConfig({ DATA_DIR: dir, MONGO_URL: 'mongodb://u:p@db/x' });
  assert.equal([none.natsAuth, none.events.kafkaSasl, none.events.cassandraCredentials, none.mongoUrl], [undefined, undefined, undefined, 'mongodb://u:p@db/x']);
});

test('should refuse half a credential, naming the variables and never the value', ({ dir }) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ KAFKA_USERNAME: 'dashboard' }, /KAFKA_PASSWORD \(or KAFKA_PASSWORD_FILE\) is required when KAFKA_USERNAME is set/],
    [{ KAFKA_PASSWORD: 'hunter2-secret' }, /KAFKA_USERNAME is required when KAFKA_PASSWORD/],
    [{ KAFKA_USERNAME: 'u', KAFKA_PASSWORD: 'hunter2-secret', KAFKA_SASL_MECHANISM: 'gssapi' }, /KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256, plain/],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, /KAFKA_SASL_MECHANISM is set, but KAFKA_USERNAME and KAFKA_PASSWORD are not/],
    [{ CASSANDRA_USERNAME: 'dashboard' }, /CASSANDRA_PASSWORD \(or CASSANDRA_PASSWORD_FILE\) is required when CASSANDRA_USERNAME is set/],
    [{ NATS_PASSWORD: 'hunter2-secret' }, /NATS_USER is required when NATS_PASSWORD/],
    [{ NATS_USER: 'u', NATS_PASSWORD: 'hunter2-secret', NATS_TOKEN: 'hunter2-secret' }, /either NATS_USER and NATS_PASSWORD or NATS_TOKEN, not both/],
    [{ MONGO_USERNAME: 'u', MONGO_PASSWORD: 'hunter2-secret' }, /MONGO_USERNAME is set, but MONGO_URL/],
    [{ MONGO_URL: 'mongodb://a:hunter2-secret@db/x', MONGO_USERNAME: 'u', MONGO_PASSWORD: 'hunter2-secret' }, /MONGO_URL already holds credentials/],
    [{ MONGO_URL: 'mongodb://db/x', MONGO_AUTH_SOURCE: 'admin' }, /MONGO_AUTH_SOURCE is set, but MONGO_USERNAME and MONGO_PASSWORD are not/],
    [{ KAFKA_USERNAME: 'u', KAFKA_PASSWORD_FILE: join(dir, 'missing') }, /Cannot read KAFKA_PASSWORD_FILE/],
  ];
  for (const [env, message] of cases) {
    try {
      loadConfig({ DATA_DIR: dir, ...env });
      assert.unreachable(`${JSON.stringify(env)} was accepted`);
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, message);
      assert.not.match((e as Error).message, /hunter2/, 'the value stays out of the message');
    }
  }
});

test('should serve a function on 0.0.0.0:8080 with the workload settings under OpenFaaS names', ({ dir }) => {
  const config = loadConfig({ DATA_DIR: dir, JWT_SECRET_FILE: '' }, 'function');
  assert.is(config.host, '0.0.0.0');
  assert.is(config.port, 8080);
  assert.is(config.trustProxy, true);
  assert.equal(config.workload, { execTimeoutMs: 10_000, maxInflight: 0, healthcheckIntervalMs: 2_000, writeTimeoutMs: 15_000, lockFile: '/tmp/.lock' });
  const set = loadConfig({ DATA_DIR: dir, exec_timeout: '1.5s', max_inflight: '40', healthcheck_interval: '500ms', write_timeout: '20' }, 'function');
  assert.equal([set.workload.execTimeoutMs, set.workload.maxInflight, set.workload.healthcheckIntervalMs, set.workload.writeTimeoutMs], [1500, 40, 500, 20_000]);
  assert.throws(() => loadConfig({ DATA_DIR: dir, exec_timeout: 'ten seconds' }, 'function'), /exec_timeout must be a duration/);
  assert.throws(() => loadConfig({ DATA_DIR: dir, max_inflight: '-1' }, 'function'), /max_inflight must be an integer/);
});

test.run();
