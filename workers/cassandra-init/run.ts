/**
 * The stack's Cassandra roles, made once (stack.yml's cassandra-init, and nothing else): the default superuser
 * `cassandra`/`cassandra` gets the password of the cassandra-superuser-password secret, `system_auth` gets the
 * cluster's replication (a login must not depend on one node), and the dashboard gets a role of its own that may
 * create keyspaces and owns its keyspace, so no dashboard process ever holds a superuser's password.
 * Idempotent: a second run logs in with the changed password and only re-applies the grants and passwords.
 */
import { auth, Client } from 'cassandra-driver';
import { cassandraAuthError } from '../../lib/events/event-history/cassandra.ts';

export interface CassandraInitOptions {
  contactPoints: string[];
  localDataCenter: string;
  /** The superuser's password from now on. */
  superuserPassword: string;
  /** The dashboard's role and its password. */
  role: string;
  password: string;
  keyspace: string;
  replicationFactor: number;
  log?: (message: string) => void;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;
// NOTE: CQL takes a role's password only as a literal, never as a bound value: only these characters are
// accepted, so nothing needs quoting (the stack makes its secrets with `openssl rand -hex`).
const PASSWORD = /^[A-Za-z0-9_-]{12,200}$/;

const isAuthError = (e: unknown): boolean => cassandraAuthError(e) !== undefined;

export async function initCassandraRoles(o: CassandraInitOptions): Promise<{ superuserChanged: boolean; roleCreated: boolean }> {
  const log = o.log ?? (() => {});
  if (!NAME.test(o.role) || !NAME.test(o.keyspace)) throw new Error('cassandra-init: the role and the keyspace must be lower-case CQL names');
  if (!PASSWORD.test(o.superuserPassword) || !PASSWORD.test(o.password)) {
    throw new Error('cassandra-init: the passwords must be 12 to 200 letters, digits, "-" or "_" (for example `openssl rand -hex 24`)');
  }
  const rf = Math.max(1, Math.floor(o.replicationFactor));
  const session = async (password: string, user = 'cassandra') => {
    const client = new Client({
      contactPoints: o.contactPoints,
      localDataCenter: o.localDataCenter,
      authProvider: new auth.PlainTextAuthProvider(user, password),
      socketOptions: { connectTimeout: 5000, readTimeout: 30_000 },
    });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.shutdown().catch(() => {});
      throw e;
    }
  };
  let superuserChanged = false;
  let admin: Client;
  try {
    admin = await session(o.superuserPassword);
  } catch (e) {
    if (!isAuthError(e)) throw e;
    admin = await session('cassandra').catch((e2: unknown) => {
      throw isAuthError(e2) ? new Error(`Cassandra at ${o.contactPoints.join(',')} refused the superuser with both the configured and the default password`) : e2;
    });
    log('logged in with the default superuser password; changing it');
    await admin.execute(`ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`);
    await admin.execute(`ALTER ROLE cassandra WITH PASSWORD = '${o.superuserPassword}'`);
    superuserChanged = true;
  }
  try {
    const existing = await admin.execute('SELECT role FROM system_auth.roles WHERE role = ?', [o.role], { prepare: true });
    const roleCreated = existing.rowLength === 0;
    if (roleCreated) {
      await admin.execute(`CREATE ROLE ${o.role} WITH PASSWORD = '${o.password}' AND LOGIN = true`);
    } else {
      // NOTE: only when the secret changed: Cassandra 5 refuses a second password change within 5 s.
      const current = await session(o.password, o.role).then((c) => (void c.shutdown(), true), (e: unknown) => (isAuthError(e) ? false : Promise.reject(e)));
      if (!current) await admin.execute(`ALTER ROLE ${o.role} WITH PASSWORD = '${o.password}'`);
    }
    await admin.execute(`CREATE KEYSPACE IF NOT EXISTS ${o.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`);
    // CREATE on all keyspaces: the adapter's `CREATE KEYSPACE IF NOT EXISTS` is checked before "if not exists".
    await admin.execute(`GRANT CREATE ON ALL KEYSPACES TO ${o.role}`);
    await admin.execute(`GRANT ALL PERMISSIONS ON KEYSPACE ${o.keyspace} TO ${o.role}`);
    log(`${roleCreated ? 'created' : 'updated'} the role ${o.role}, owner of ${o.keyspace}`);
    return { superuserChanged, roleCreated };
  } finally {
    await admin.shutdown().catch(() => {});
  }
}
