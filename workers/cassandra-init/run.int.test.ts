/**
 * cassandra-init against a node that requires authentication (scripts/servers/cassandra-auth.sh, whose
 * superuser password was changed already): it makes a role that logs in, creates tables in its keyspace and
 * nothing more, and a second run changes nothing but the password.
 */
import { randomBytes } from 'node:crypto';
import { auth, Client } from 'cassandra-driver';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCassandraInitConfig } from '../../lib/config.ts';
import { initCassandraRoles } from './run.ts';

const points = process.env.CASSANDRA_AUTH_CONTACT_POINTS;
const superuserPassword = process.env.CASSANDRA_AUTH_SUPERUSER_PASSWORD;
const localDataCenter = process.env.CASSANDRA_AUTH_LOCAL_DC ?? 'datacenter1';
if (!points || !superuserPassword) {
  console.log('SKIPPED run.int.test.ts (cassandra-init): CASSANDRA_AUTH_CONTACT_POINTS and CASSANDRA_AUTH_SUPERUSER_PASSWORD are not set; start `bash scripts/servers.sh start cassandra-auth` and export what it prints (scripts/test.sh does)');
  process.exit(0);
}
const contactPoints = points.split(',');
const suffix = randomBytes(4).toString('hex');
const role = `it_role_${suffix}`;
const keyspace = `it_ks_${suffix}`;
const password = randomBytes(12).toString('hex');
const as = async (user: string, pw: string) => {
  const client = new Client({ contactPoints, localDataCenter, authProvider: new auth.PlainTextAuthProvider(user, pw) });
  await client.connect();
  return client;
};

const test = suite('cassandra-init');
test.after(async () => {
  const admin = await as('cassandra', superuserPassword);
  await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await admin.execute(`DROP ROLE IF EXISTS ${role}`);
  await admin.shutdown();
});

test('should make a role that owns its keyspace and may not touch the others, once', async () => {
  const config = loadCassandraInitConfig({
    CASSANDRA_CONTACT_POINTS: points, CASSANDRA_LOCAL_DC: localDataCenter, CASSANDRA_USERNAME: role, CASSANDRA_PASSWORD: password,
    CASSANDRA_SUPERUSER_PASSWORD: superuserPassword, CASSANDRA_KEYSPACE: keyspace,
  });
  assert.equal(await initCassandraRoles(config), { superuserChanged: false, roleCreated: true });
  assert.equal(await initCassandraRoles(config), { superuserChanged: false, roleCreated: false });
  const client = await as(role, password);
  try {
    await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.t (k int PRIMARY KEY)`);
    await client.execute(`INSERT INTO ${keyspace}.t (k) VALUES (1)`);
    const denied = await client.execute('SELECT role FROM system_auth.role_permissions').then(() => undefined, (e: Error) => e);
    assert.match(String(denied?.message), /Unauthorized|has no SELECT permission|not authorized/i);
    const superuser = await client.execute(`CREATE ROLE it_escalate_${suffix} WITH SUPERUSER = true`).then(() => undefined, (e: Error) => e);
    assert.ok(superuser, 'the dashboard role could create a superuser');
  } finally {
    await client.shutdown();
  }
});

test('should refuse a password that would need quoting in CQL, without echoing it', async () => {
  const error = await initCassandraRoles({ contactPoints, localDataCenter, superuserPassword, role, password: "x'; DROP KEYSPACE x; --aaaa", keyspace, replicationFactor: 1 }).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.match(String(error?.message), /letters, digits/);
  assert.not.ok(String(error?.message).includes('DROP'));
});

test.run();
