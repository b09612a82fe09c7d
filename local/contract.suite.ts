/**
 * End to end: `local/main.ts` as a real process, the real local swarm, real HTTP, walking the contract.
 * `contractSuite(name, env)` runs it in one composition; the *.int.test.ts files beside it choose which.
 * With `options.target` it walks a deployment that is already running instead (the stack through its edge:
 * scripts/stack/contract.e2e.ts); `options.dockerSocket` is then an engine of that swarm.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FUNCTIONS } from '../functions/index.ts';
import { reported } from '../testing/hooks.ts';
import { startLocalServer, type LocalServer } from '../testing/local-server.ts';

/** What the suite needs of the deployment it walks. */
export type ContractTarget = Pick<LocalServer, 'url' | 'adminPassword' | 'stop'>;
type Ctx = { server: ContractTarget; admin: string };

export interface ContractOptions {
  /** A running deployment; default: local mode started with `env`. */
  target?: () => Promise<ContractTarget>;
  /** The engine of the swarm the deployment manages (default /var/run/docker.sock). */
  dockerSocket?: string;
}

export function contractSuite(name: string, env: Record<string, string> = {}, options: ContractOptions = {}) {
const test = suite<Ctx>(`end to end, ${name}`, {} as Ctx);
// NOTE: /healthz, /openapi.json and a second process without an engine belong to local mode (the contract's
// "Local mode … also"); behind the edge /healthz is 404 on purpose and there is no process to start.
const local = !options.target;
const PREFIX = `e2e-${process.pid}`;
// Every service this suite creates carries it; a run sweeps what a killed one left (see testing/swarm.ts).
const SUITE_LABELS = { 'test.swarm-dashboard': 'contract' };

async function call(server: ContractTarget, name: string, body?: unknown, token?: string, method = 'POST') {
  const res = await fetch(`${server.url}/function/${name}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined || method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.before(reported('the contract suite setup (target, admin login, old services swept)', async (ctx: Ctx) => {
  ctx.server = options.target ? await options.target() : await startLocalServer({ env });
  const res = await call(ctx.server, 'login', { username: 'admin', password: ctx.server.adminPassword });
  assert.is(res.status, 200, JSON.stringify(res.body));
  ctx.admin = res.body.token;
  const list = await call(ctx.server, 'list-services', undefined, ctx.admin);
  const cutoff = Date.now() - 5 * 60_000;
  for (const s of list.body?.services ?? []) {
    if (s.labels?.['test.swarm-dashboard'] === 'contract' && Date.parse(s.createdAt) <= cutoff) await call(ctx.server, 'delete-service', { id: s.id }, ctx.admin);
  }
}));
test.after(async ({ server, admin }) => {
  const list = await call(server, 'list-services', undefined, admin).catch(() => null);
  for (const s of list?.body?.services ?? []) if (s.name.startsWith(PREFIX)) await call(server, 'delete-service', { id: s.id }, admin);
  await server.stop();
});

test('should serve /healthz, /openapi.json for every function, and / with security headers', async ({ server }) => {
  if (local) {
    assert.is((await fetch(`${server.url}/healthz`)).status, 200);
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    assert.is(doc.openapi, '3.1.0');
    for (const f of FUNCTIONS) assert.ok(doc.paths[`/function/${f.name}`], f.name);
    assert.ok(doc.paths['/function/create-service'].post.requestBody.content['application/json'].schema.properties.mounts);
  }
  const page = await fetch(`${server.url}/`);
  assert.is(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.not.match(csp, /unsafe-inline/);
  assert.is(page.headers.get('x-content-type-options'), 'nosniff');
  assert.is(page.headers.get('referrer-policy'), 'no-referrer');
});

test('should manage users and permissions, effective on the next request', async ({ server, admin }) => {
  assert.is((await call(server, 'create-user', { username: `${PREFIX}-bob`, password: 'bob password 1', permissions: ['services.read'] }, admin)).status, 201);
  const bob = (await call(server, 'login', { username: `${PREFIX}-bob`, password: 'bob password 1' })).body.token;
  assert.is((await call(server, 'list-services', undefined, bob, 'GET')).status, 200);
  assert.is((await call(server, 'list-users', undefined, bob)).status, 403);
  assert.is((await call(server, 'grant-permission', { username: `${PREFIX}-bob`, permission: 'users.read' }, admin)).status, 200);
  const users = await call(server, 'list-users', undefined, bob);
  assert.is(users.status, 200);
  assert.ok(users.body.users.some((u: { username: string }) => u.username === 'admin'));
  assert.not.match(JSON.stringify(users.body), /argon2|password/i);
  assert.is((await call(server, 'revoke-permission', { username: `${PREFIX}-bob`, permission: 'users.read' }, admin)).status, 200);
  assert.is((await call(server, 'list-users', undefined, bob)).status, 403);
  assert.is((await call(server, 'delete-user', { username: `${PREFIX}-bob` }, admin)).status, 204);
  assert.is((await call(server, 'whoami', undefined, bob)).status, 401);
});

test('should run a service through its life on the real swarm', async ({ server, admin }) => {
  const name = `${PREFIX}-web`;
  const created = await call(server, 'create-service', { name, image: 'local/busybox:1', command: ['sh', '-c', 'echo hello-out; echo hello-err >&2; sleep 3600'], replicas: 1, env: { A: '1' }, labels: SUITE_LABELS }, admin);
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.is(created.body.name, name);
  assert.is((await call(server, 'create-service', { name, image: 'local/busybox:1' }, admin)).body.error.code, 'service_exists');

  await until('one running task', async () => {
    const s = (await call(server, 'list-services', undefined, admin)).body.services.find((x: { name: string }) => x.name === name);
    return s?.replicas.running === 1 ? s : undefined;
  });
  const inspected = await call(server, 'inspect-service', { id: name }, admin);
  assert.is(inspected.status, 200);
  assert.is(inspected.body.service.id, created.body.id);
  assert.is(inspected.body.tasks.length, 1);
  assert.is(inspected.body.service.spec.TaskTemplate.ContainerSpec.Image, 'local/busybox:1');

  assert.is((await call(server, 'rollback-service', { id: name }, admin)).body.error.code, 'no_previous_spec');
  const scaled = await call(server, 'scale-service', { id: name, replicas: 2 }, admin);
  assert.is(scaled.status, 200);
  await until('two running tasks', async () => {
    const s = (await call(server, 'inspect-service', { id: name }, admin)).body.service;
    return s.replicas.running === 2 ? s : undefined;
  });
  const stale = await call(server, 'update-service', { id: name, version: inspected.body.service.version, env: { A: '2' } }, admin);
  assert.is(stale.status, 409);
  assert.is(stale.body.error.code, 'version_conflict');
  const current = (await call(server, 'inspect-service', { id: name }, admin)).body.service;
  const updated = await call(server, 'update-service', { id: name, version: current.version, env: { A: '2' } }, admin);
  assert.is(updated.status, 200, JSON.stringify(updated.body));
  const afterUpdate = (await call(server, 'inspect-service', { id: name }, admin)).body.service;
  assert.equal(afterUpdate.spec.TaskTemplate.ContainerSpec.Env, ['A=2']);
  assert.equal(afterUpdate.spec.Mode, { Replicated: { Replicas: 2 } });
  assert.is((await call(server, 'rollback-service', { id: name }, admin)).status, 200);
  const rolledBack = (await call(server, 'inspect-service', { id: name }, admin)).body.service;
  assert.equal(rolledBack.spec.TaskTemplate.ContainerSpec.Env, ['A=1']);
  const restarted = await call(server, 'restart-service', { id: name }, admin);
  assert.is(restarted.status, 200);

  const logs = await until('log lines on both streams', async () => {
    const r = await call(server, 'service-logs', { id: name, tail: 50 }, admin);
    const streams = new Set(r.body.lines.map((l: { stream: string }) => l.stream));
    return streams.has('stdout') && streams.has('stderr') ? r.body.lines : undefined;
  });
  assert.ok(logs.some((l: { text: string; stream: string }) => l.stream === 'stderr' && l.text.includes('hello-err')));

  assert.is((await call(server, 'delete-service', { id: name }, admin)).status, 204);
  assert.is((await call(server, 'inspect-service', { id: name }, admin)).body.error.code, 'not_found');

  // The engine's own events for this service were stored by the producer and consumer.
  const stored = await until('the service events in the history', async () => {
    const r = await call(server, 'list-events', { type: 'service', actor: created.body.id, limit: 1000 }, admin);
    const actions = new Set(r.body.events.map((e: { action: string }) => e.action));
    return actions.has('create') && actions.has('update') && actions.has('remove') ? r.body.events : undefined;
  });
  assert.ok(stored.every((e: { actor: { id: string } }) => e.actor.id === created.body.id));
  assert.is(new Set(stored.map((e: { id: string }) => e.id)).size, stored.length, 'no duplicates');
  const times = stored.map((e: { timeNano: string }) => BigInt(e.timeNano));
  assert.ok(times.every((t: bigint, i: number) => i === 0 || t >= times[i - 1]!), 'ascending by time');
});

test('should hold a user without services.privileged to the security policy on the real engine', async ({ server, admin }) => {
  assert.is((await call(server, 'create-user', { username: `${PREFIX}-dev`, password: 'dev password 1', permissions: ['services.read', 'services.write'] }, admin)).status, 201);
  const dev = (await call(server, 'login', { username: `${PREFIX}-dev`, password: 'dev password 1' })).body.token;
  const swarmHostId = await new Promise<string>((resolve, reject) => {
    import('node:http').then(({ request }) =>
      request({ socketPath: options.dockerSocket ?? '/var/run/docker.sock', path: '/networks/host?scope=swarm' }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body).Id));
      }).on('error', reject).end(),
    );
  });
  const attempts: Array<[object, string]> = [
    [{ mounts: [{ type: 'bind', source: '/', target: '/host' }] }, 'bind_mount'],
    [{ mounts: [{ type: 'bind', source: '/run/docker.sock', target: '/s' }] }, 'docker_socket'],
    [{ networks: ['host'] }, 'host_network'],
    [{ networks: [swarmHostId] }, 'host_network'],
  ];
  for (const [extra, rule] of attempts) {
    const res = await call(server, 'create-service', { name: `${PREFIX}-esc`, image: 'local/busybox:1', labels: SUITE_LABELS, ...extra }, dev);
    assert.is(res.status, 403, JSON.stringify(res.body));
    assert.ok(res.body.error.details.some((d: { rule: string }) => d.rule === rule), `${rule} in ${JSON.stringify(res.body.error.details)}`);
  }
  const clean = await call(server, 'create-service', { name: `${PREFIX}-esc`, image: 'local/busybox:1', replicas: 0, labels: SUITE_LABELS }, dev);
  assert.is(clean.status, 201);
  const current = (await call(server, 'inspect-service', { id: `${PREFIX}-esc` }, dev)).body.service;
  const added = await call(server, 'update-service', { id: `${PREFIX}-esc`, version: current.version, mounts: [{ type: 'volume', source: 'v', target: '/v' }, { type: 'bind', source: '/etc', target: '/e' }] }, dev);
  assert.is(added.status, 403);
  assert.is(added.body.error.code, 'policy_denied');
  const after = (await call(server, 'inspect-service', { id: `${PREFIX}-esc` }, dev)).body.service;
  assert.is(after.version, current.version);
  assert.is((await call(server, 'delete-service', { id: `${PREFIX}-esc` }, dev)).status, 204);
});

test('should list and update nodes', async ({ server, admin }) => {
  const { nodes } = (await call(server, 'list-nodes', undefined, admin)).body;
  assert.ok(nodes.length >= 1);
  const node = nodes.find((n: { leader: boolean }) => n.leader);
  assert.ok(node);
  assert.is(node.role, 'manager');
  const labels = { ...node.labels, [`${PREFIX}`]: 'yes' };
  const res = await call(server, 'update-node', { id: node.id, version: node.version, labels }, admin);
  assert.is(res.status, 200);
  const after = (await call(server, 'list-nodes', undefined, admin)).body.nodes.find((n: { id: string }) => n.id === node.id);
  assert.is(after.labels[PREFIX], 'yes');
  assert.is((await call(server, 'update-node', { id: node.id, version: after.version, labels: node.labels }, admin)).status, 200);
});

test('should keep an audit trail readable with list-events', async ({ server, admin }) => {
  const expected = ['user.create', 'user.grant', 'user.revoke', 'user.delete', 'service.create', 'service.scale', 'service.update', 'service.rollback', 'service.delete', 'node.update'];
  let actions = new Set<string>();
  // NOTE: with Kafka + Cassandra the history is written a moment after the answer; wait for the whole set.
  await until(`audit events ${expected.join(', ')}`, async () => {
    const r = await call(server, 'list-events', { type: 'audit', actor: 'admin', limit: 1000 }, admin);
    actions = new Set(r.body.events.map((e: { action: string }) => e.action));
    return expected.every((a) => actions.has(a)) ? true : undefined;
  }).catch(() => undefined);
  for (const a of expected) assert.ok(actions.has(a), `missing audit ${a}`);
});

test('should never answer 500 to hostile input', async ({ server, admin }) => {
  const bodies = ['', '{', 'null', '[]', '"x"', '1e999', '{"__proto__":{"a":1}}', JSON.stringify({ id: { $gt: '' } }), JSON.stringify({ id: 'x'.repeat(10_000) }), JSON.stringify({ name: 'a', image: 'b', replicas: 1e12 }), JSON.stringify({ username: ['a'], password: {} }), 'x'.repeat(2 * 1024 * 1024)];
  for (const f of FUNCTIONS) {
    for (const body of bodies) {
      const res = await call(server, f.name, body, admin).catch((e) => ({ status: 0, body: String(e) }));
      assert.ok(res.status > 0 && res.status < 500, `${f.name} ${body.slice(0, 40)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      if (res.status >= 400) assert.type(res.body.error.code, 'string');
    }
  }
});

if (local) test('should answer 503 swarm_unavailable when no engine answers', async () => {
  const lonely = await startLocalServer({ env: { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
  try {
    assert.match(lonely.output(), /No Docker engine answers/);
    const token = (await call(lonely, 'login', { username: 'admin', password: lonely.adminPassword })).body.token;
    const res = await call(lonely, 'list-services', undefined, token);
    assert.is(res.status, 503);
    assert.is(res.body.error.code, 'swarm_unavailable');
    assert.not.match(JSON.stringify(res.body), /\n\s+at |\.ts:\d+/);
  } finally {
    await lonely.stop();
  }
});

test('should log out and end the session', async ({ server }) => {
  const token = (await call(server, 'login', { username: 'admin', password: server.adminPassword })).body.token;
  assert.is((await call(server, 'logout', undefined, token)).status, 204);
  assert.is((await call(server, 'whoami', undefined, token)).status, 401);
});

return test;
}
