// Readiness probe and role setup for scripts/servers/cassandra-auth.sh (needs the checkout's node_modules).
//   CASSANDRA_DASHBOARD_PASSWORD=… CASSANDRA_SUPERUSER_PASSWORD=… node ready.mjs HOST:PORT DC
// Exits 0 when the role dashboard runs `SELECT release_version FROM system.local`. When it cannot log in, logs
// in as the superuser (its changed password, else the default cassandra/cassandra), creates the role, changes
// the superuser's password and exits 1, so the next probe checks the result. Never prints a password.
import cassandra from 'cassandra-driver';

const [point, dc] = process.argv.slice(2);
const dashboard = process.env.CASSANDRA_DASHBOARD_PASSWORD;
const superuser = process.env.CASSANDRA_SUPERUSER_PASSWORD;
const timer = setTimeout(() => process.exit(1), 15_000);

const session = async (user, password) => {
  const client = new cassandra.Client({
    contactPoints: [point],
    localDataCenter: dc,
    authProvider: new cassandra.auth.PlainTextAuthProvider(user, password),
    socketOptions: { connectTimeout: 3000, readTimeout: 10_000 },
  });
  await client.connect();
  return client;
};
const isAuth = (e) => e?.name === 'AuthenticationError' || Object.values(e?.innerErrors ?? {}).some((x) => x?.name === 'AuthenticationError');

const done = (code, what) => {
  clearTimeout(timer);
  if (what) process.stderr.write(`[cassandra-auth ready] ${what}\n`);
  process.exit(code);
};

// A server that lets anyone in (authentication off) must never pass for ready.
const refusesAnonymous = async () => {
  const client = new cassandra.Client({ contactPoints: [point], localDataCenter: dc, socketOptions: { connectTimeout: 3000 } });
  try {
    await client.connect();
    return false;
  } catch (e) {
    return isAuth(e);
  } finally {
    await client.shutdown().catch(() => {});
  }
};

try {
  const client = await session('dashboard', dashboard);
  await client.execute('SELECT release_version FROM system.local');
  await client.shutdown();
  if (!(await refusesAnonymous())) done(1, 'authentication is OFF: a client without credentials got in');
  done(0);
} catch (e) {
  if (!isAuth(e)) done(1, `not ready: ${e?.message ?? e}`);
}

let admin;
try {
  admin = await session('cassandra', superuser);
} catch (e) {
  if (!isAuth(e)) done(1, `not ready: ${e?.message ?? e}`);
  try {
    admin = await session('cassandra', 'cassandra');
  } catch (e2) {
    done(1, `superuser cannot log in yet: ${e2?.message ?? e2}`);
  }
}
// NOTE: CQL takes a role's password only as a literal, never as a bound value; auth-lib.sh makes them
// alphanumeric, and anything else is refused here rather than quoted.
const literal = (password) => {
  if (!/^[A-Za-z0-9]{12,}$/.test(password ?? '')) done(1, 'the passwords must be 12 or more letters and digits');
  return `'${password}'`;
};

try {
  const role = await admin.execute('SELECT role FROM system_auth.roles WHERE role = ?', ['dashboard'], { prepare: true });
  if (role.rowLength === 0) {
    await admin.execute(`CREATE ROLE dashboard WITH LOGIN = true AND PASSWORD = ${literal(dashboard)}`);
  } else {
    await admin.execute(`ALTER ROLE dashboard WITH PASSWORD = ${literal(dashboard)}`);
  }
  await admin.execute('GRANT CREATE ON ALL KEYSPACES TO dashboard');
  await admin.execute(`ALTER ROLE cassandra WITH PASSWORD = ${literal(superuser)}`);
  await admin.shutdown();
  done(1, 'created the role dashboard and changed the superuser password');
} catch (e) {
  await admin.shutdown().catch(() => {});
  done(1, `role setup failed: ${e?.message ?? e}`);
}
