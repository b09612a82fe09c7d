/**
 * The Swarm port's Docker adapter against a real swarm manager (`npm run swarm:local`, or DOCKER_HOST).
 * Every service it creates is named `it-swarm-<random>-…` and removed at the end, even when a test fails.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAppError } from '../errors.ts';
import {
  connectTestSwarm,
  removeServicesByPrefix,
  sweepTestServices,
  admitted,
  admittedService,
  testServiceSpec,
  uniquePrefix,
  waitFor,
  networksOnceAllocated,
  codeOf,
  dockerTestOptions,
} from '../../testing/swarm.ts';
import { createDockerClient, createDockerSwarm } from './docker.ts';
import { parseTimeBound } from '../events/docker-event.ts';
import { applyServiceInput, withForceUpdate } from './service-input.ts';
import type { Swarm } from './swarm.ts';

const prefix = uniquePrefix('it-swarm-');
// NOTE: at top level, not in `before`: uvu 0.5 swallows an error thrown by a `before` hook (its runner returns
// from `finally`), and the suite would then "pass" with 0 of N tests run.
const swarm: Swarm = await connectTestSwarm();
// For what the port does not do (creating networks and volumes), straight to the engine.
const engine = createDockerClient(dockerTestOptions(), 10_000);
// Leftovers of runs that were killed before their clean-up.
await sweepTestServices(swarm, 'it-swarm');

const Docker = suite('DockerSwarm (real engine)');

Docker.after(async () => {
  await removeServicesByPrefix(swarm, prefix);
});

Docker('should create a service and list it with converged status counts in one call', async () => {
  const name = `${prefix}list`;
  const created = await swarm.createService(await admitted(testServiceSpec({ name, labels: { 'it.swarm': 'yes' } })));
  assert.is(created.name, name);
  assert.match(created.id, /^[a-z0-9]{25}$/);
  const listed = await waitFor('1 running task', async () => {
    const s = (await swarm.listServices()).find((x) => x.id === created.id);
    return s?.replicas.running === 1 ? s : undefined;
  });
  assert.is(listed.name, name);
  assert.is(listed.image, 'local/busybox:1');
  assert.is(listed.mode, 'replicated');
  assert.equal(listed.replicas, { desired: 1, running: 1 });
  assert.equal(listed.labels, { 'it.swarm': 'yes', 'test.swarm-dashboard': 'it-swarm' });
  assert.ok(listed.version > 0);
  assert.ok(Date.parse(listed.createdAt) > 0 && Date.parse(listed.updatedAt) > 0);
});

Docker('should inspect by name and by id, with tasks', async () => {
  const name = `${prefix}list`;
  const byName = await swarm.inspectService(name);
  const byId = await swarm.inspectService(byName.service.id);
  assert.is(byId.service.name, name);
  assert.is(byName.service.spec.Name, name);
  assert.is(byName.service.previousSpec, undefined);
  assert.equal(byName.service.replicas, { desired: 1, running: 1 });
  const running = byName.tasks.filter((t) => t.state === 'running');
  assert.is(running.length, 1);
  assert.is(running[0]?.serviceId, byName.service.id);
  assert.is(running[0]?.slot, 1);
  assert.ok(running[0]?.nodeId);
  const tasks = await swarm.listTasks({ serviceId: byName.service.id });
  assert.equal(tasks.map((t) => t.id).sort(), byName.tasks.map((t) => t.id).sort());
});

Docker('should scale with the version index, and refuse a stale version with version_conflict', async () => {
  const name = `${prefix}list`;
  const before = await swarm.inspectService(name);
  const scaled = await swarm.updateService(before.service.id, before.service.version, await admitted(applyServiceInput(before.service.spec, { replicas: 2 })));
  assert.is(scaled.id, before.service.id);
  assert.ok(scaled.version > before.service.version);
  await waitFor('2 running tasks', async () => {
    const s = (await swarm.listServices()).find((x) => x.id === before.service.id);
    return s?.replicas.desired === 2 && s.replicas.running === 2;
  });
  const stale = swarm.updateService(before.service.id, before.service.version, await admitted(applyServiceInput(before.service.spec, { replicas: 0 })));
  assert.is(await codeOf(stale), 'version_conflict');
  const after = await swarm.inspectService(name);
  assert.equal((after.service.spec.Mode as { Replicated: unknown }).Replicated, { Replicas: 2 });
});

Docker('should update, then roll back to the previous spec', async () => {
  const name = `${prefix}list`;
  const before = await swarm.inspectService(name);
  const updated = await swarm.updateService(name, before.service.version, await admitted(applyServiceInput(before.service.spec, { env: { COLOUR: 'blue' } })));
  const mid = await swarm.inspectService(name);
  // The engine bumps the version again as the rolling update progresses (UpdateStatus), so only >=.
  assert.ok(mid.service.version >= updated.version);
  assert.equal((mid.service.spec.TaskTemplate as any).ContainerSpec.Env, ['COLOUR=blue']);
  assert.ok(mid.service.previousSpec);
  // NOTE: the version may move again between the read and the rollback while the update rolls; re-read then.
  const rolled = await swarm.rollbackService(name, mid.service.version, await admitted(mid.service.previousSpec ?? {})).catch(async (e) => {
    if (e.code !== 'version_conflict') throw e;
    const again = await swarm.inspectService(name);
    return swarm.rollbackService(name, again.service.version, await admitted(again.service.previousSpec ?? {}));
  });
  assert.ok(rolled.version > mid.service.version);
  const after = await swarm.inspectService(name);
  assert.is((after.service.spec.TaskTemplate as any).ContainerSpec.Env, undefined);
  assert.ok(after.service.updateStatus?.state.startsWith('rollback'), JSON.stringify(after.service.updateStatus));
});

Docker('should refuse a rollback without a previous spec with no_previous_spec', async () => {
  const name = `${prefix}fresh`;
  await swarm.createService(await admitted(testServiceSpec({ name, replicas: 0 })));
  const fresh = await swarm.inspectService(name);
  const code = await codeOf(swarm.rollbackService(name, fresh.service.version, await admitted(fresh.service.spec)));
  assert.is(code, 'no_previous_spec');
});

Docker('should restart by bumping ForceUpdate, replacing the task', async () => {
  const name = `${prefix}restart`;
  await swarm.createService(await admitted(testServiceSpec({ name })));
  const first = await waitFor('a running task', async () => (await swarm.inspectService(name)).tasks.find((t) => t.state === 'running'));
  const before = await swarm.inspectService(name);
  const forced = withForceUpdate(before.service.spec);
  await swarm.updateService(name, before.service.version, await admitted(forced));
  const after = await swarm.inspectService(name);
  assert.is((after.service.spec.TaskTemplate as any).ForceUpdate, ((before.service.spec.TaskTemplate as any).ForceUpdate ?? 0) + 1);
  await waitFor('a new running task', async () =>
    (await swarm.inspectService(name)).tasks.some((t) => t.state === 'running' && t.id !== first.id),
  );
});

Docker('should return logs with stdout and stderr demultiplexed', async () => {
  const name = `${prefix}logs`;
  const { id } = await swarm.createService(
    await admitted(testServiceSpec({ name, command: ['sh', '-c', 'echo out; echo "err  two" >&2; sleep 3600'] })),
  );
  // NOTE: a last line without "\n" stays in the engine's buffer until the container stops, so none here.
  const lines = await waitFor('two log lines', async () => {
    const got = await swarm.serviceLogs(name, {});
    return got.length >= 2 ? got : undefined;
  });
  const byText = new Map(lines.map((l) => [l.text, l]));
  assert.is(byText.get('out')?.stream, 'stdout');
  assert.is(byText.get('err  two')?.stream, 'stderr');
  assert.is(lines.length, 2);
  const { tasks } = await swarm.inspectService(id);
  for (const line of lines) {
    assert.ok(tasks.some((t) => t.id === line.taskId), `task id of ${JSON.stringify(line)}`);
    assert.is(line.nodeId, tasks[0]?.nodeId);
    assert.ok(Date.parse(line.time) > 0, line.time);
  }
  const tail = await swarm.serviceLogs(id, { tail: 1 });
  assert.is(tail.length, 1);
  const future = await swarm.serviceLogs(id, { since: BigInt(Date.now() + 3_600_000) * 1_000_000n });
  assert.is(future.length, 0);
  // Nanosecond bounds reach the engine exactly: since the second line's time keeps it, until before it drops it.
  const second = lines[lines.length - 1]!;
  const at = parseTimeBound(second.time);
  const fromSecond = await swarm.serviceLogs(id, { since: at });
  assert.ok(fromSecond.some((l) => l.text === second.text), JSON.stringify(fromSecond));
  assert.ok(fromSecond.every((l) => parseTimeBound(l.time) >= at), JSON.stringify(fromSecond));
  const beforeFirst = await swarm.serviceLogs(id, { until: parseTimeBound(lines[0]!.time) - 1n });
  assert.is(beforeFirst.length, 0);
});

Docker('should list nodes and update labels and availability with the version index', async () => {
  const nodes = await swarm.listNodes();
  const node = nodes.find((n) => n.leader);
  assert.ok(node, 'a leader');
  assert.is(node.role, 'manager');
  assert.ok(node.engineVersion);
  assert.ok(node.addr);
  const original = { labels: node.labels, availability: node.availability };
  let version = node.version;
  try {
    const labelled = await swarm.updateNode(node.id, version, { labels: { ...node.labels, 'it-swarm': prefix } });
    assert.ok(labelled.version > version);
    version = labelled.version;
    assert.is(await codeOf(swarm.updateNode(node.id, node.version, { labels: {} })), 'version_conflict');
    const paused = await swarm.updateNode(node.id, version, { availability: 'pause' });
    version = paused.version;
    const seen = (await swarm.listNodes()).find((n) => n.id === node.id);
    assert.is(seen?.availability, 'pause');
    assert.is(seen?.labels['it-swarm'], prefix);
  } finally {
    const current = (await swarm.listNodes()).find((n) => n.id === node.id);
    if (current) await swarm.updateNode(node.id, current.version, original);
  }
  const restored = (await swarm.listNodes()).find((n) => n.id === node.id);
  assert.equal(restored?.labels, original.labels);
  assert.is(restored?.availability, original.availability);
});

Docker('should answer service_exists, not_found and validation_failed', async () => {
  const name = `${prefix}list`;
  assert.is(await codeOf(swarm.createService(await admitted(testServiceSpec({ name })))), 'service_exists');
  assert.is(await codeOf(swarm.inspectService('zzzzzzzzzzzzzzzzzzzzzzzzz')), 'not_found');
  assert.is(await codeOf(swarm.serviceLogs('zzzzzzzzzzzzzzzzzzzzzzzzz', {})), 'not_found');
  assert.is(await codeOf(swarm.removeService(await admittedService(`${prefix}never-created`))), 'not_found');
  assert.is(await codeOf(swarm.updateNode('zzzzzzzzzzzzzzzzzzzzzzzzz', 1, {})), 'not_found');
  assert.is(await codeOf(swarm.inspectService('../nodes')), 'validation_failed');
  assert.is(await codeOf(swarm.createService(await admitted({ Name: `${prefix}Bad.Name`, TaskTemplate: { ContainerSpec: { Image: 'x' } } }))), 'validation_failed');
});

Docker('should list networks with their drivers and labels, the host and none networks by name and id', async () => {
  const name = `${prefix}net`;
  const created = await engine.createNetwork({ Name: name, Driver: 'overlay', Labels: { 'dashboard.workloads': 'true' } });
  try {
    const networks = await networksOnceAllocated(swarm, created.id);
    const names = networks.filter((n) => n.driver === 'host' || n.driver === 'null').flatMap((n) => [n.id, n.name]);
    assert.ok(names.includes('host'), names.join());
    assert.ok(names.includes('none'), names.join());
    assert.ok(names.some((n) => /^[0-9a-f]{64}$/.test(n)), names.join());
    // The swarm's own id for the host network: a service attached by it runs on the host's network.
    assert.ok(names.some((n) => /^[0-9a-z]{25}$/.test(n)), names.join());
    const mine = networks.find((n) => n.name === name);
    assert.ok(mine, 'the labelled network is listed');
    assert.is(mine.id, created.id);
    assert.is(mine.driver, 'overlay');
    assert.equal(mine.labels, { 'dashboard.workloads': 'true' });
  } finally {
    await created.remove();
  }
});

Docker('should inspect a named volume with its driver and options, and answer null for none', async () => {
  const bind = `${prefix}etc`;
  const plain = `${prefix}plain`;
  await engine.createVolume({ Name: bind, Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/etc' } });
  await engine.createVolume({ Name: plain, Labels: { team: 'a' } });
  try {
    assert.equal(await swarm.inspectVolume(bind), { name: bind, driver: 'local', options: { type: 'none', o: 'bind', device: '/etc' }, labels: {}, scope: 'local' });
    assert.equal(await swarm.inspectVolume(plain), { name: plain, driver: 'local', options: {}, labels: { team: 'a' }, scope: 'local' });
    assert.is(await swarm.inspectVolume(`${prefix}never-created`), null);
    assert.is(await swarm.inspectVolume('../containers/json'), null);
  } finally {
    await engine.getVolume(bind).remove();
    await engine.getVolume(plain).remove();
  }
});

Docker('should answer validation_failed naming the network for an unknown or a local network, in one details shape', async () => {
  for (const network of [`${prefix}no-such-net`, 'docker_gwbridge']) {
    const error = await swarm
      .createService(await admitted(testServiceSpec({ name: `${prefix}net`, replicas: 0, networks: [network] })))
      .catch((e: unknown) => e);
    assert.ok(isAppError(error), String(error));
    assert.is(error.code, 'validation_failed', `${network}: ${error.message}`);
    assert.is(error.status, 400);
    assert.match(error.message, network);
    assert.equal(error.details, [{ field: 'networks', message: error.message }]);
  }
  const problems = await Promise.all([
    swarm.inspectService('../nodes').catch((e: unknown) => e),
    swarm.updateNode("zzzzzzzzzzzzzzzzzzzzzzzzz", -1, {}).catch((e: unknown) => e),
    swarm.createService(await admitted({ Name: `${prefix}Bad.Name`, TaskTemplate: { ContainerSpec: { Image: 'x' } } })).catch((e: unknown) => e),
  ]);
  for (const e of problems) {
    assert.ok(isAppError(e) && e.code === 'validation_failed', String(e));
    const details = e.details as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(details) && details.length > 0, JSON.stringify(details));
    for (const d of details) assert.equal(Object.keys(d).sort(), ['field', 'message'], JSON.stringify(d));
  }
  assert.is(await codeOf(swarm.inspectService(`${prefix}net`)), 'not_found');
});

Docker('should sweep only the services its own suite left behind, and only old ones', async () => {
  const suiteName = `${prefix}sweep`;
  const mine = await swarm.createService(await admitted(testServiceSpec({ name: `${prefix}sweep-a`, replicas: 0 }, suiteName)));
  const other = await swarm.createService(await admitted(testServiceSpec({ name: `${prefix}sweep-b`, replicas: 0 }, `${suiteName}-other`)));
  assert.equal(await sweepTestServices(swarm, suiteName), [], 'too young to be a leftover');
  assert.equal(await sweepTestServices(swarm, suiteName, { olderThanMs: -60_000 }), [`${prefix}sweep-a`]);
  assert.is(await codeOf(swarm.inspectService(mine.id)), 'not_found');
  assert.is((await swarm.inspectService(other.id)).service.labels['test.swarm-dashboard'], `${suiteName}-other`);
});

Docker('should remove a service', async () => {
  const name = `${prefix}fresh`;
  await swarm.removeService(await admittedService(name));
  assert.is(await codeOf(swarm.inspectService(name)), 'not_found');
});

Docker('should answer swarm_unavailable when no engine listens', async () => {
  const gone = createDockerSwarm({ socketPath: `/tmp/${prefix}missing.sock`, timeoutMs: 1000 });
  assert.is(await codeOf(gone.listServices()), 'swarm_unavailable');
  assert.is(await codeOf(gone.ping()), 'swarm_unavailable');
  const refused = createDockerSwarm({ host: 'tcp://127.0.0.1:1', timeoutMs: 1000 });
  const error = await refused.listNodes().catch((e: unknown) => e);
  assert.ok(isAppError(error));
  assert.is(error.code, 'swarm_unavailable');
  assert.is(error.status, 503);
  assert.not.match(error.message, /\n\s+at /);
});

Docker.run();
