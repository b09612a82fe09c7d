/**
 * Paths to root, tried for real: local mode as a process, the real engine, a user with services.read and
 * services.write but not services.privileged. Every attack of contract 1.1's "Security policy, tightened"
 * must answer 403 policy_denied naming its rule, and leave the engine as it was; what the policy allows must
 * still work. The volumes and networks are made on the engine directly, as an operator (or an attacker with
 * a foothold) would. Prints how many escalations were tried and refused (docs/security.md).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDockerClient } from '../lib/swarm/docker.ts';
import { dockerTestOptions, uniquePrefix, waitFor } from '../testing/swarm.ts';
import { startLocalServer, type LocalServer } from '../testing/local-server.ts';

const P = uniquePrefix('esc-');
const ALLOWED_PORT = 999;
const engine = createDockerClient(dockerTestOptions(), 10_000);

type Ctx = { server: LocalServer; admin: string; dev: string; viewer: string; openId: string; closedId: string };
const test = suite<Ctx>('escalation attempts on the real engine', {} as Ctx);

async function call(server: LocalServer, name: string, body: unknown, token: string) {
  const res = await fetch(`${server.url}/function/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const login = async (server: LocalServer, username: string, password: string) => {
  const res = await call(server, 'login', { username, password }, '');
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.token as string;
};

const tried: string[] = [];
const refused: string[] = [];

/** One attack: must answer 403 policy_denied with `rule` among the details. */
async function refuse(ctx: Ctx, what: string, fn: string, body: unknown, rule: string) {
  tried.push(what);
  const res = await call(ctx.server, fn, body, ctx.dev);
  assert.is(res.status, 403, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.is(res.body.error.code, 'policy_denied', what);
  const rules = res.body.error.details.map((d: { rule: string }) => d.rule);
  assert.ok(rules.includes(rule), `${what}: expected ${rule} in ${rules.join(', ')}`);
  refused.push(what);
}

const inspect = async (ctx: Ctx, id: string, token = ctx.admin) => (await call(ctx.server, 'inspect-service', { id }, token)).body.service;

test.before(async (ctx) => {
  ctx.server = await startLocalServer({ env: { POLICY_ALLOWED_PORTS: String(ALLOWED_PORT) } });
  ctx.admin = await login(ctx.server, 'admin', ctx.server.adminPassword);
  for (const [name, permissions] of [
    [`${P}dev`, ['services.read', 'services.write']],
    [`${P}viewer`, ['services.read']],
  ] as const) {
    assert.is((await call(ctx.server, 'create-user', { username: name, password: `${name} password`, permissions }, ctx.admin)).status, 201);
  }
  ctx.dev = await login(ctx.server, `${P}dev`, `${P}dev password`);
  ctx.viewer = await login(ctx.server, `${P}viewer`, `${P}viewer password`);

  // What `docker volume create --opt type=none --opt o=bind --opt device=/etc …` leaves on the engine.
  const bindOpts = { type: 'none', o: 'bind', device: '/etc' };
  await engine.createVolume({ Name: `${P}etc`, Driver: 'local', DriverOpts: bindOpts });
  await engine.createVolume({ Name: `workload-${P}etc`, Driver: 'local', DriverOpts: bindOpts });
  await engine.createVolume({ Name: `workload-${P}tmpfs`, Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });
  ctx.openId = (await engine.createNetwork({ Name: `${P}open`, Driver: 'overlay', Labels: { 'dashboard.workloads': 'true' } })).id;
  ctx.closedId = (await engine.createNetwork({ Name: `${P}closed`, Driver: 'overlay' })).id;
});

test.after(async (ctx) => {
  for (const s of await engine.listServices()) if (s.Spec?.Name?.startsWith(P)) await engine.getService(s.ID).remove().catch(() => {});
  // A removed service's containers go a moment later; their volumes and networks only then.
  await waitFor('the test volumes and networks removed', async () => {
    const { Volumes } = await engine.listVolumes();
    const volumes = (Volumes ?? []).filter((v) => v.Name.startsWith(P) || v.Name.startsWith(`workload-${P}`));
    const networks = (await engine.listNetworks()).filter((n) => n.Name.startsWith(P));
    for (const v of volumes) await engine.getVolume(v.Name).remove().catch(() => {});
    for (const n of networks) await engine.getNetwork(n.Id).remove().catch(() => {});
    return volumes.length === 0 && networks.length === 0;
  }, { timeoutMs: 60_000, intervalMs: 1000 }).catch((e) => console.error(String(e)));
  await ctx.server?.stop();
  console.log(`escalations tried: ${tried.length}, refused: ${refused.length}`);
});

test('should refuse named volumes that are host binds on the engine, or outside the workload namespace', async (ctx) => {
  const create = (source: string) => ({ name: `${P}vol`, image: 'local/busybox:1', replicas: 0, mounts: [{ type: 'volume', source, target: '/x' }] });
  await refuse(ctx, 'create with the bind volume etc', 'create-service', create(`${P}etc`), 'volume_on_engine');
  await refuse(ctx, 'create with a volume outside the namespace', 'create-service', create(`${P}anything`), 'volume_namespace');
  await refuse(ctx, 'create with a workload- volume that is a bind', 'create-service', create(`workload-${P}etc`), 'volume_on_engine');
  await refuse(ctx, 'create with a workload- volume with a tmpfs driver option', 'create-service', create(`workload-${P}tmpfs`), 'volume_on_engine');

  const clean = await call(ctx.server, 'create-service', { name: `${P}own`, image: 'local/busybox:1', replicas: 0 }, ctx.dev);
  assert.is(clean.status, 201, JSON.stringify(clean.body));
  const { version } = await inspect(ctx, `${P}own`, ctx.dev);
  await refuse(ctx, 'update adding the bind volume', 'update-service', { id: `${P}own`, version, mounts: [{ type: 'volume', source: `${P}etc`, target: '/x' }] }, 'volume_on_engine');
  await refuse(ctx, 'update adding a workload- bind volume', 'update-service', { id: `${P}own`, version, mounts: [{ type: 'volume', source: `workload-${P}etc`, target: '/x' }] }, 'volume_on_engine');
  assert.is((await inspect(ctx, `${P}own`)).version, version, 'the refused updates changed nothing');
  assert.not.ok((await engine.listServices()).some((s) => s.Spec?.Name === `${P}vol`), 'no refused create reached the engine');
});

test('should let specs join only networks labelled dashboard.workloads=true', async (ctx) => {
  const create = (network: string) => ({ name: `${P}net`, image: 'local/busybox:1', replicas: 0, networks: [network] });
  await refuse(ctx, 'create on an unlabelled network by name', 'create-service', create(`${P}closed`), 'unlabelled_network');
  await refuse(ctx, 'create on an unlabelled network by id', 'create-service', create(ctx.closedId), 'unlabelled_network');
  await refuse(ctx, 'create on the swarm ingress network', 'create-service', create('ingress'), 'unlabelled_network');
  await refuse(ctx, 'create on a labelled network by id prefix', 'create-service', create(ctx.openId.slice(0, 12)), 'unlabelled_network');
  const { version } = await inspect(ctx, `${P}own`, ctx.dev);
  await refuse(ctx, 'update joining an unlabelled network', 'update-service', { id: `${P}own`, version, networks: [`${P}closed`] }, 'unlabelled_network');
});

test('should refuse reserved labels on the service and its containers', async (ctx) => {
  for (const key of ['dashboard.system', 'function', 'com.openfaas.scale.min', 'com.docker.stack.namespace']) {
    await refuse(ctx, `create with label ${key}`, 'create-service', { name: `${P}lbl`, image: 'local/busybox:1', replicas: 0, labels: { [key]: 'true' } }, 'reserved_label');
  }
  const { version } = await inspect(ctx, `${P}own`, ctx.dev);
  await refuse(ctx, 'update adding label dashboard.system', 'update-service', { id: `${P}own`, version, labels: { 'dashboard.system': 'true' } }, 'reserved_label');
});

test('should refuse published ports below 1024 and the engine, swarm and dashboard ports', async (ctx) => {
  for (const published of [22, 80, 443, 2375, 2376, 2377, 7946, ctx.server.port]) {
    const body = { name: `${P}port`, image: 'local/busybox:1', replicas: 0, ports: [{ published, target: 80 }] };
    await refuse(ctx, `create publishing ${published}`, 'create-service', body, 'host_port');
  }
  const { version } = await inspect(ctx, `${P}own`, ctx.dev);
  await refuse(ctx, 'update publishing 2377/udp', 'update-service', { id: `${P}own`, version, ports: [{ published: 2377, target: 1, protocol: 'udp' }] }, 'host_port');
});

test('should refuse to operate a service whose current spec needs services.privileged', async (ctx) => {
  const bindSvc = `${P}adm-bind`;
  const systemSvc = `${P}adm-sys`;
  assert.is((await call(ctx.server, 'create-service', { name: bindSvc, image: 'local/busybox:1', replicas: 0, mounts: [{ type: 'bind', source: '/etc', target: '/host-etc' }] }, ctx.admin)).status, 201);
  assert.is((await call(ctx.server, 'create-service', { name: systemSvc, image: 'local/busybox:1', replicas: 0, labels: { 'dashboard.system': 'true' } }, ctx.admin)).status, 201);
  // A previous spec, so that rollback has something to restore.
  const first = await inspect(ctx, bindSvc);
  assert.is((await call(ctx.server, 'update-service', { id: bindSvc, version: first.version, env: { A: '1' } }, ctx.admin)).status, 200);
  const before = await inspect(ctx, bindSvc);

  await refuse(ctx, "scale an administrator's bind-mount service from 0 to 1", 'scale-service', { id: bindSvc, replicas: 1 }, 'privileged_service');
  await refuse(ctx, "restart an administrator's bind-mount service", 'restart-service', { id: bindSvc }, 'privileged_service');
  await refuse(ctx, "update only the env of an administrator's bind-mount service", 'update-service', { id: bindSvc, version: before.version, env: { A: '2' } }, 'privileged_service');
  await refuse(ctx, "update removing the bind of an administrator's service", 'update-service', { id: bindSvc, version: before.version, mounts: [] }, 'privileged_service');
  await refuse(ctx, "roll back an administrator's bind-mount service", 'rollback-service', { id: bindSvc }, 'privileged_service');
  await refuse(ctx, "delete an administrator's bind-mount service", 'delete-service', { id: bindSvc }, 'privileged_service');
  await refuse(ctx, 'scale a dashboard.system service', 'scale-service', { id: systemSvc, replicas: 1 }, 'privileged_service');
  await refuse(ctx, 'delete a dashboard.system service', 'delete-service', { id: systemSvc }, 'reserved_label');

  const after = await inspect(ctx, bindSvc);
  assert.is(after.version, before.version, 'nothing changed');
  assert.equal(after.spec.Mode, { Replicated: { Replicas: 0 } });
  // The operator still may.
  assert.is((await call(ctx.server, 'delete-service', { id: systemSvc }, ctx.admin)).status, 204);
});

test('should still run what the policy allows: a labelled network, workload volumes, an allowed port', async (ctx) => {
  const name = `${P}ok`;
  const body = {
    name,
    image: 'local/busybox:1',
    command: ['sleep', '3600'],
    replicas: 1,
    networks: [`${P}open`],
    mounts: [{ type: 'volume', source: `workload-${P}data`, target: '/data' }],
    ports: [{ published: ALLOWED_PORT, target: 80, mode: 'host' }],
    env: { TOKEN: `${P}s3cr3t` },
  };
  const created = await call(ctx.server, 'create-service', body, ctx.dev);
  assert.is(created.status, 201, JSON.stringify(created.body));
  await waitFor('the task running and its volume created', async () => {
    const s = await inspect(ctx, name, ctx.dev);
    return s.replicas.running === 1 && (await engine.getVolume(`workload-${P}data`).inspect().catch(() => null)) !== null;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  // Now the volume exists on the engine, plain: the service stays operable.
  const scaled = await call(ctx.server, 'scale-service', { id: name, replicas: 0 }, ctx.dev);
  assert.is(scaled.status, 200, JSON.stringify(scaled.body));
  assert.is((await call(ctx.server, 'restart-service', { id: name }, ctx.dev)).status, 200);
});

test('should show environment values only to users who hold services.write', async (ctx) => {
  const forViewer = await inspect(ctx, `${P}ok`, ctx.viewer);
  assert.equal(forViewer.spec.TaskTemplate.ContainerSpec.Env, ['TOKEN=(hidden)']);
  assert.not.match(JSON.stringify(forViewer), /s3cr3t/);
  const forDev = await inspect(ctx, `${P}ok`, ctx.dev);
  assert.equal(forDev.spec.TaskTemplate.ContainerSpec.Env, [`TOKEN=${P}s3cr3t`]);
});

test('should keep no environment value in the audit trail', async (ctx) => {
  const events = await waitFor('the audit of the create', async () => {
    const r = await call(ctx.server, 'list-events', { type: 'audit', actor: `${P}dev`, limit: 1000 }, ctx.admin);
    const list = r.body.events as Array<{ action: string; actor: { attributes: Record<string, string> } }>;
    return list.some((e) => e.action === 'service.create' && e.actor.attributes['result'] === 'success') ? list : undefined;
  });
  assert.not.match(JSON.stringify(events), /s3cr3t/);
  const create = events.find((e) => e.action === 'service.create' && e.actor.attributes['target.id'] === `${P}ok`)!;
  assert.equal(JSON.parse(create.actor.attributes['after']!).TaskTemplate.ContainerSpec.Env, ['TOKEN=(changed)']);
});

test('should have refused every escalation it tried', () => {
  assert.ok(tried.length >= 30, `${tried.length} tried`);
  assert.equal(refused, tried);
});

test.run();
