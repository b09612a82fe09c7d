/**
 * The Compose corpus (testing/compose/*.yml) deployed on the real swarm by a user WITHOUT services.privileged:
 * together the files use every field of contract 1.1's "Stacks"; each is deployed, converges, is deployed again
 * unchanged, and is removed with everything it created. The invalid files are refused with their paths, and
 * the one beyond the policy creates nothing. Every object is named `itstk<random>…` and removed at the end.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from '../auth/authenticator.ts';
import { isAppError } from '../errors.ts';
import { createDockerClient } from '../swarm/docker.ts';
import { createPolicyGate, STACK_LABEL } from '../swarm/policy-gate.ts';
import type { Swarm } from '../swarm/swarm.ts';
import { connectTestSwarm, dockerTestOptions, mapConcurrent, waitFor } from '../../testing/swarm.ts';
import { deployStack, removeStack } from './stacks.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const corpus = join(here, '../../testing/compose');
const files = readdirSync(corpus).filter((f) => f.endsWith('.yml')).sort();
const invalidDir = join(corpus, 'invalid');

const swarm: Swarm = await connectTestSwarm();
const engine = createDockerClient(dockerTestOptions(), 10_000);
const gate = createPolicyGate(swarm);
const deps = { swarm, gate };
const prefix = `itstk${Math.random().toString(16).slice(2, 8)}`;
const user: Principal = { username: 'dev', permissions: ['services.read', 'services.write', 'secrets.read', 'secrets.write', 'configs.read', 'configs.write'] };
const admin: Principal = { username: 'root', permissions: [...user.permissions, 'services.privileged'] };
const env = {
  PREFIX: prefix,
  GREETING: 'hello',
  TOKEN: 's3cr3t',
  PUBLISHED: String(20000 + Math.floor(Math.random() * 10000)),
  EXT_NETWORK: `${prefix}-shared`,
  EXT_SECRET: `${prefix}-ext-secret`,
  EXT_CONFIG: `${prefix}-ext-config`,
};
const stackOf = (file: string) => `${prefix}-${file.slice(0, 2)}`;
const read = (path: string) => readFileSync(path, 'utf8');

type Spec = { Labels?: Record<string, string>; TaskTemplate: { ContainerSpec: Record<string, any>; [k: string]: any }; [k: string]: any };
const specsOf = async (stack: string): Promise<Record<string, Spec>> =>
  Object.fromEntries((await swarm.listServiceSpecs({ label: `${STACK_LABEL}=${stack}` })).map((s) => [s.name.slice(stack.length + 1), s.spec as Spec]));

/** What each file must have produced on the engine, beyond "created and running". */
const expectations: Record<string, (specs: Record<string, Spec>) => void> = {
  '01': ({ app }) => assert.equal(app!.TaskTemplate.ContainerSpec.Args, ['sleep', '3600']),
  '02': ({ list, map }) => {
    assert.equal(list!.TaskTemplate.ContainerSpec.Command, ['sh', '-c']);
    assert.equal(list!.TaskTemplate.ContainerSpec.Env, ['FALLBACK=fallback', 'GREETING=hello']);
    assert.equal(map!.TaskTemplate.ContainerSpec.Env, ['COUNT=3', 'MODE=production']);
  },
  '03': ({ app }) => {
    assert.is(app!.TaskTemplate.ContainerSpec.Labels['com.example.role'], 'worker');
    assert.is(app!.Labels!['com.example.team'], 'payments');
  },
  '04': ({ web }) => assert.equal(web!.EndpointSpec.Ports.map((p: any) => [p.TargetPort, p.PublishedPort ?? 0, p.Protocol, p.PublishMode]), [[8080, Number(env.PUBLISHED), 'tcp', 'ingress'], [9090, 0, 'tcp', 'ingress'], [5353, 0, 'udp', 'host']]),
  '05': ({ app }) => assert.equal(app!.TaskTemplate.ContainerSpec.Mounts.map((m: any) => [m.Type, m.Source ?? '', m.Target, m.ReadOnly === true]), [['volume', `workload-${prefix}data`, '/data', false], ['volume', `workload-${prefix}data`, '/ro', true], ['tmpfs', '', '/scratch', false]]),
  '06': ({ front, back }) => {
    assert.is(front!.TaskTemplate.Networks.length, 2);
    assert.ok(front!.TaskTemplate.Networks.some((n: any) => n.Aliases.includes('www')));
    assert.is(back!.TaskTemplate.Networks.length, 1);
  },
  '07': ({ app }) => assert.equal(app!.TaskTemplate.ContainerSpec.Secrets.map((s: any) => [s.SecretName, s.File.Name, s.File.Mode]), [[`${stackOf('07')}_token.v1`, 'token', 0o444], [`${stackOf('07')}_token.v1`, 'token-copy', 0o400]]),
  '08': ({ app }) => assert.equal(app!.TaskTemplate.ContainerSpec.Configs.map((c: any) => c.File.Name), ['/settings', '/etc/app/settings.ini']),
  '09': ({ checked, unchecked }) => {
    assert.equal(checked!.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['CMD-SHELL', 'test -d /'], Interval: 2e9, Timeout: 1e9, Retries: 3, StartPeriod: 1e9 });
    assert.equal(unchecked!.TaskTemplate.ContainerSpec.Healthcheck.Test, ['NONE']);
  },
  '10': ({ agent }) => assert.ok('Global' in agent!.Mode),
  '11': ({ app }) => assert.equal(app!.TaskTemplate.Resources, { Limits: { NanoCPUs: 250_000_000, MemoryBytes: 64 * 1024 * 1024 }, Reservations: { NanoCPUs: 10_000_000, MemoryBytes: 4 * 1024 * 1024 } }),
  '12': ({ app }) => assert.equal(app!.TaskTemplate.Placement, { Constraints: ['node.role == manager'], Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }], MaxReplicas: 2 }),
  '13': ({ app }) => {
    assert.equal(app!.UpdateConfig, { Parallelism: 2, Delay: 1e9, FailureAction: 'rollback', Monitor: 5e9, MaxFailureRatio: 0.5, Order: 'start-first' });
    assert.is(app!.RollbackConfig.FailureAction, 'continue');
  },
  '14': ({ app }) => assert.equal(app!.TaskTemplate.RestartPolicy, { Condition: 'on-failure', Delay: 2e9, MaxAttempts: 3, Window: 30e9 }),
  '15': ({ app }) => {
    assert.is(app!.TaskTemplate.ContainerSpec.Secrets[0].SecretName, `${env.EXT_SECRET}.v1`);
    assert.is(app!.TaskTemplate.ContainerSpec.Configs[0].ConfigName, `${env.EXT_CONFIG}.v1`);
  },
  '16': ({ web, worker }) => {
    assert.ok(web!.TaskTemplate.ContainerSpec.Secrets.length === 1 && web!.TaskTemplate.ContainerSpec.Configs.length === 1);
    assert.ok('Global' in worker!.Mode);
  },
};

async function problemOf(promise: Promise<unknown>): Promise<{ code: string; details: any }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  return { code: 'no error', details: undefined };
}

const Corpus = suite('the Compose corpus on the real swarm');

Corpus.before(async () => {
  await engine.createNetwork({ Name: env.EXT_NETWORK, Driver: 'overlay', Labels: { 'dashboard.workloads': 'true' } });
  await swarm.createSecret({ name: `${env.EXT_SECRET}.v1`, data: Buffer.from('x').toString('base64') });
  await swarm.createConfig({ name: `${env.EXT_CONFIG}.v1`, data: Buffer.from('y').toString('base64') });
});

Corpus.after(async () => {
  // Whatever a failed test left behind, by name.
  for (const s of (await swarm.listServiceSpecs()).filter((x) => x.name.startsWith(prefix))) await swarm.removeService(await gate.admitService(admin, await swarm.inspectService(s.id))).catch(() => {});
  for (const s of (await swarm.listSecrets()).filter((x) => x.name.startsWith(prefix))) await swarm.removeSecret(s.id).catch(() => {});
  for (const c of (await swarm.listConfigs()).filter((x) => x.name.startsWith(prefix) || x.name.startsWith(`dashboard-stack-${prefix}`))) await swarm.removeConfig(c.id).catch(() => {});
  await new Promise((r) => setTimeout(r, 1000));
  for (const n of (await swarm.listNetworks()).filter((x) => x.name.startsWith(prefix))) await swarm.removeNetwork(n.id).catch(() => {});
  await Promise.all([`workload-${prefix}data`, `workload-${prefix}cache`].map((v) => engine.getVolume(v).remove().catch(() => {})));
});

Corpus(`should hold at least 15 valid files (${files.length})`, () => {
  assert.ok(files.length >= 15);
});

Corpus('should deploy every file as a non-privileged user, converge, redeploy unchanged and remove it whole', async () => {
  const started = Date.now();
  await mapConcurrent(files, 4, async (file) => {
    const stack = stackOf(file);
    const compose = read(join(corpus, file));
    const first = await deployStack(deps, user, { name: stack, compose, env });
    assert.ok(first.services.length > 0 && first.services.every((s) => s.action === 'created'), `${file}: ${JSON.stringify(first)}`);
    expectations[file.slice(0, 2)]!(await specsOf(stack));
    const again = await deployStack(deps, user, { name: stack, compose, env });
    assert.ok(again.services.every((s) => s.action === 'unchanged'), `${file} redeployed: ${JSON.stringify(again)}`);
  });
  await waitFor(
    'every stack service running',
    async () => {
      const services = (await swarm.listServices()).filter((s) => s.name.startsWith(prefix));
      return services.length > 0 && services.every((s) => s.replicas.desired > 0 && s.replicas.running === s.replicas.desired);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  const deployed = Date.now() - started;
  await mapConcurrent(files, 4, (file) => removeStack(deps, user, stackOf(file)));
  assert.equal((await swarm.listServiceSpecs()).filter((s) => s.name.startsWith(prefix)), []);
  // External objects stay; the stacks' own secrets, configs and networks are gone.
  assert.equal((await swarm.listSecrets()).filter((s) => s.name.startsWith(prefix)).map((s) => s.name), [`${env.EXT_SECRET}.v1`]);
  assert.equal((await swarm.listConfigs()).filter((s) => s.name.startsWith(prefix) || s.name.includes(`stack-${prefix}`)).map((s) => s.name), [`${env.EXT_CONFIG}.v1`]);
  // NOTE: the engine accepts the removal at once but lists the network until the last task has left it.
  await waitFor('the stacks\' networks gone', async () => {
    const left = (await swarm.listNetworks()).filter((n) => n.name.startsWith(prefix)).map((n) => n.name);
    return left.length === 1 && left[0] === env.EXT_NETWORK;
  }, { timeoutMs: 30_000, intervalMs: 500 });
  console.log(`  corpus: ${files.length} stacks deployed twice and converged in ${deployed} ms, removed in ${Date.now() - started - deployed} ms`);
});

Corpus('should update only the service whose part of the file changed, and prune only with prune', async () => {
  const stack = `${prefix}-up`;
  const two = 'services:\n  a: {image: local/busybox:1, command: sleep 3600, stop_grace_period: 1s}\n  b: {image: local/busybox:1, command: sleep 3600, stop_grace_period: 1s}\n';
  await deployStack(deps, user, { name: stack, compose: two });
  const changed = two.replace('b: {image: local/busybox:1, command: sleep 3600', 'b: {image: local/busybox:1, command: sleep 3601');
  const result = await deployStack(deps, user, { name: stack, compose: changed });
  assert.equal(result.services, [{ name: `${stack}_a`, action: 'unchanged' }, { name: `${stack}_b`, action: 'updated' }]);
  const onlyA = 'services:\n  a: {image: local/busybox:1, command: sleep 3600, stop_grace_period: 1s}\n';
  assert.equal((await deployStack(deps, user, { name: stack, compose: onlyA })).services, [{ name: `${stack}_a`, action: 'unchanged' }]);
  assert.equal(Object.keys(await specsOf(stack)).sort(), ['a', 'b']);
  const pruned = await deployStack(deps, user, { name: stack, compose: onlyA, prune: true });
  assert.equal(pruned.services, [{ name: `${stack}_a`, action: 'unchanged' }, { name: `${stack}_b`, action: 'removed' }]);
  assert.equal(Object.keys(await specsOf(stack)), ['a']);
  await removeStack(deps, user, stack);
});

Corpus('should refuse each invalid file with 400 and the path of each error, creating nothing', async () => {
  const expected: Record<string, string[]> = {
    'yaml-syntax.yml': ['line 5, column 1'],
    'schema-break.yml': ['services.app.deploy.placment', 'services.app.deploy.replicas'],
    'unsupported-field.yml': ['services.app.pid', 'services.app.secrets.0'],
    'missing-variable.yml': ['services.app.image'],
  };
  for (const [file, fields] of Object.entries(expected)) {
    const { code, details } = await problemOf(deployStack(deps, user, { name: `${prefix}-bad`, compose: read(join(invalidDir, file)) }));
    assert.is(code, 'validation_failed', file);
    assert.equal(details.map((d: { field: string }) => d.field).sort(), fields, file);
  }
  assert.equal(await specsOf(`${prefix}-bad`), {});
});

Corpus('should refuse a file beyond the policy with 403 naming the service and rules, creating nothing (not even its clean service)', async () => {
  const stack = `${prefix}-pol`;
  const { code, details } = await problemOf(deployStack(deps, user, { name: stack, compose: read(join(invalidDir, 'beyond-policy.yml')) }));
  assert.is(code, 'policy_denied');
  assert.equal([...new Set(details.map((d: { service: string }) => d.service))], [`${stack}_bad`]);
  const rules = new Set(details.map((d: { rule: string }) => d.rule));
  for (const rule of ['privileged', 'capability_add', 'bind_mount', 'docker_socket']) assert.ok(rules.has(rule), `${rule} in ${[...rules].join()}`);
  assert.equal(await specsOf(stack), {});
  assert.equal((await swarm.listNetworks()).filter((n) => n.name.startsWith(stack)), []);
});

Corpus.run();
