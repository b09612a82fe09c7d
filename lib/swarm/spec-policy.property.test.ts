/**
 * The policy as a property, through the gate: generated specs that hold at least one way to the host (a bind,
 * a volume with options or another driver, on the engine or in the spec, privileges, capabilities, devices,
 * host namespaces, an unlabelled or host network, a reserved label or port, sysctls) are never admitted for a
 * user without services.privileged; specs made only of what the policy allows always are (so the generator
 * is not vacuous). Prints how many specs were tried (docs/security.md).
 */
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from '../auth/authenticator.ts';
import { AppError } from '../errors.ts';
import { createPolicyGate } from './policy-gate.ts';
import type { DockerServiceSpec, NetworkSummary, VolumeSummary } from './swarm.ts';

type Json = Record<string, any>;

const user: Principal = { username: 'dev', permissions: ['services.read', 'services.write'] };
const RUNS_DENIED = Number(process.env['POLICY_PROPERTY_RUNS'] ?? 3000);
const RUNS_ALLOWED = Math.ceil(RUNS_DENIED / 3);
/** The seed fast-check prints with a counterexample, to run that case again. */
const SEED = process.env['POLICY_PROPERTY_SEED'] ? { seed: Number(process.env['POLICY_PROPERTY_SEED']) } : {};
const DASHBOARD_PORT = 8080;
const ALLOWED_PORT = 2000;

const net = (id: string, name: string, driver: string, labels: Record<string, string> = {}): NetworkSummary => ({ id, name, driver, scope: 'swarm', labels });
const NETWORKS: NetworkSummary[] = [
  net('e0a51b1cd3f3e0a51b1cd3f3e0a51b1cd3f3e0a51b1cd3f3e0a51b1cd3f3abcd', 'host', 'host'),
  net('x2u1l3c3qz8b1y5v0t9r4k7p6', 'host', 'host'),
  net('2e07393e681b2e07393e681b2e07393e681b2e07393e681b2e07393e681b1234', 'none', 'null'),
  net('wl0000000000000000000001', 'apps', 'overlay', { 'dashboard.workloads': 'true' }),
  net('wl0000000000000000000002', 'web', 'overlay', { 'dashboard.workloads': 'true' }),
  net('pl0000000000000000000001', 'backend', 'overlay'),
  net('pl0000000000000000000002', 'ingress', 'overlay', { 'com.docker.swarm.internal': 'true' }),
  net('pl0000000000000000000003', 'off', 'overlay', { 'dashboard.workloads': 'false' }),
];
const WORKLOAD_TARGETS = ['apps', 'web', 'wl0000000000000000000001', 'wl0000000000000000000002'];

interface Case {
  spec: Json;
  /** What the engine holds: named volumes on the manager. */
  volumes: Record<string, VolumeSummary>;
  /** The bad ingredients, for the failure message. */
  why: string[];
}

type Ingredient = { why: string; apply(c: Case): void };

const container = (c: Case): Json => c.spec.TaskTemplate.ContainerSpec;
const mounts = (c: Case): Json[] => (container(c).Mounts ??= []);
const ports = (c: Case): Json[] => ((c.spec.EndpointSpec ??= {}).Ports ??= []);
const networks = (c: Case): Json[] => (c.spec.TaskTemplate.Networks ??= []);
const volume = (name: string, driver: string, options: Record<string, string>): VolumeSummary => ({ name, driver, options, labels: {}, scope: 'local' });

// ---------------------------------------------------------------------------------------------------
// What the policy allows

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
const workloadVolume = word.map((w) => `workload-${w}`);
const goodPort = fc.oneof(fc.constant(0), fc.constant(ALLOWED_PORT), fc.integer({ min: 1024, max: 65535 }).filter((p) => ![2375, 2376, 2377, 4789, 7946, 31112, DASHBOARD_PORT].includes(p)));

const good: fc.Arbitrary<Ingredient> = fc.oneof(
  fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,9}$/), fc.string({ maxLength: 20 }), { maxKeys: 4 }).map((env) => ({
    why: 'env',
    apply: (c: Case) => void (container(c).Env = Object.entries(env).map(([k, v]) => `${k}=${v}`)),
  })),
  fc.tuple(fc.constantFrom('service', 'container'), word, fc.string({ maxLength: 10 })).map(([where, k, v]) => ({
    why: 'a label',
    apply: (c: Case) => {
      const target = where === 'service' ? c.spec : container(c);
      (target.Labels ??= {})[`app.${k}`] = v;
    },
  })),
  fc.constantFrom(...WORKLOAD_TARGETS).map((t) => ({ why: 'a workload network', apply: (c: Case) => void networks(c).push({ Target: t }) })),
  fc.constant({ why: 'a tmpfs', apply: (c: Case) => void mounts(c).push({ Type: 'tmpfs', Target: '/tmp' }) }),
  fc.constant({ why: 'an anonymous volume', apply: (c: Case) => void mounts(c).push({ Type: 'volume', Target: '/anon' }) }),
  fc.tuple(workloadVolume, fc.boolean(), fc.boolean()).map(([name, exists, localSpelled]) => ({
    why: 'a workload volume',
    apply: (c: Case) => {
      mounts(c).push({ Type: 'volume', Source: name, Target: `/v/${name}`, ...(localSpelled ? { VolumeOptions: { DriverConfig: { Name: 'local' } } } : {}) });
      // An engine holds one volume of a name: a bad one made earlier in the case stays (replacing it by a
      // harmless one took the case's only way to the host away, and the property then failed on a sound policy).
      if (exists) c.volumes[name] ??= volume(name, 'local', {});
    },
  })),
  fc.tuple(goodPort, fc.constantFrom('ingress', 'host'), fc.constantFrom('tcp', 'udp')).map(([p, mode, protocol]) => ({
    why: `port ${p}`,
    apply: (c: Case) => void ports(c).push({ TargetPort: 80, PublishedPort: p, PublishMode: mode, Protocol: protocol }),
  })),
  fc.constant({ why: 'dropped capabilities', apply: (c: Case) => void (container(c).CapabilityDrop = ['ALL']) }),
);

// ---------------------------------------------------------------------------------------------------
// Ways to the host

const hostPath = fc.constantFrom('/', '/etc', '/root', '/var/run/docker.sock', '/run', '/home/x', '/var/lib/docker');
const reservedLabel = fc.tuple(fc.constantFrom('function', 'com.openfaas.', 'com.docker.', 'dashboard.', 'Dashboard.', 'COM.DOCKER.'), word).map(([p, w]) => (p.endsWith('.') ? `${p}${w}` : p));
const reservedPort = fc.oneof(fc.integer({ min: 1, max: 1023 }), fc.constantFrom(2375, 2376, 2377, 4789, 7946, 31112, DASHBOARD_PORT));
const bindOptions = fc.oneof(
  hostPath.map((device) => ({ type: 'none', o: 'bind', device })),
  hostPath.map((device) => ({ TYPE: 'NONE', O: 'RBIND', DEVICE: device })),
  fc.constant({ type: 'ext4', device: '/dev/sda1' }),
  fc.constant({ type: 'nfs', o: 'addr=10.0.0.1' }),
  fc.constant({ type: 'tmpfs', device: 'tmpfs' }),
  fc.constant({ o: 'size=100m' }),
);

const bad: fc.Arbitrary<Ingredient> = fc.oneof(
  fc.tuple(fc.constantFrom('bind', 'BIND', ' Bind ', '', undefined), hostPath).map(([type, source]) => ({
    why: `a bind of ${source} (type ${JSON.stringify(type)})`,
    apply: (c: Case) => void mounts(c).push({ ...(type === undefined ? {} : { Type: type }), Source: source, Target: '/host' }),
  })),
  fc.tuple(workloadVolume, bindOptions).map(([name, options]) => ({
    why: `a volume with driver options ${JSON.stringify(options)} in the spec`,
    apply: (c: Case) => void mounts(c).push({ Type: 'volume', Source: name, Target: '/d', VolumeOptions: { DriverConfig: { Name: 'local', Options: options } } }),
  })),
  fc.tuple(workloadVolume, fc.constantFrom('rexray/ebs', 'LOCAL', 'vieux/sshfs')).map(([name, driver]) => ({
    why: `a volume with driver ${driver} in the spec`,
    apply: (c: Case) => void mounts(c).push({ Type: 'volume', Source: name, Target: '/d', VolumeOptions: { DriverConfig: { Name: driver } } }),
  })),
  fc.tuple(workloadVolume, fc.oneof(bindOptions.map((o) => ['local', o] as const), fc.constant(['someone/nfs', {}] as const))).map(([name, [driver, options]]) => ({
    why: `volume ${name} on the engine with driver ${driver} and options ${JSON.stringify(options)}`,
    apply: (c: Case) => {
      mounts(c).push({ Type: 'volume', Source: name, Target: '/d' });
      c.volumes[name] = volume(name, driver, { ...options });
    },
  })),
  fc.tuple(word.filter((w) => !w.startsWith('workload')), fc.boolean()).map(([name, exists]) => ({
    why: `volume ${name} outside the namespace`,
    apply: (c: Case) => {
      mounts(c).push({ Type: 'volume', Source: name, Target: '/d' });
      if (exists) c.volumes[name] = volume(name, 'local', {});
    },
  })),
  fc.constantFrom<[string, Json]>(
    ['seccomp unconfined', { Privileges: { Seccomp: { Mode: 'unconfined' } } }],
    ['apparmor disabled', { Privileges: { AppArmor: { Mode: 'disabled' } } }],
    ['selinux disabled', { Privileges: { SELinuxContext: { Disable: true } } }],
    ['a credential spec', { Privileges: { CredentialSpec: { Config: 'x' } } }],
    ['privileged', { Privileged: true }],
    ['security options', { SecurityOpt: ['seccomp=unconfined'] }],
  ).map(([why, patch]) => ({ why, apply: (c: Case) => void Object.assign(container(c), structuredClone(patch)) })),
  fc.tuple(fc.constantFrom('CapabilityAdd', 'Capabilities', 'CapAdd'), fc.constantFrom('SYS_ADMIN', 'ALL', 'NET_ADMIN', 'SYS_MODULE')).map(([key, cap]) => ({
    why: `${key} ${cap}`,
    apply: (c: Case) => void (container(c)[key] = [cap]),
  })),
  fc.constantFrom<[string, unknown]>(['Devices', [{ PathOnHost: '/dev/sda' }]], ['DeviceRequests', [{ Count: -1 }]], ['DeviceCgroupRules', ['a *:* rwm']]).map(([key, value]) => ({
    why: key,
    apply: (c: Case) => void (container(c)[key] = structuredClone(value)),
  })),
  fc.constantFrom('PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'NetworkMode', 'CgroupnsMode').map((key) => ({
    why: `${key} host`,
    apply: (c: Case) => void (container(c)[key] = 'host'),
  })),
  fc.tuple(fc.constantFrom(...NETWORKS.filter((n) => n.labels['dashboard.workloads'] !== 'true').flatMap((n) => [n.id, n.name]), 'HOST', 'wl0000000000', 'unknown'), fc.boolean()).map(([target, topLevel]) => ({
    why: `network ${target}${topLevel ? ' (top level)' : ''}`,
    apply: (c: Case) => void (topLevel ? (c.spec.Networks ??= []) : networks(c)).push({ Target: target }),
  })),
  fc.tuple(fc.constantFrom('service', 'container', 'volume'), reservedLabel).map(([where, key]) => ({
    why: `label ${key} on the ${where}`,
    apply: (c: Case) => {
      if (where === 'volume') mounts(c).push({ Type: 'volume', Source: 'workload-labelled', Target: '/l', VolumeOptions: { Labels: { [key]: 'x' } } });
      else ((where === 'service' ? c.spec : container(c)).Labels ??= {})[key] = 'x';
    },
  })),
  fc.tuple(reservedPort, fc.constantFrom('ingress', 'host')).map(([p, mode]) => ({
    why: `published port ${p}`,
    apply: (c: Case) => void ports(c).push({ TargetPort: 80, PublishedPort: p, PublishMode: mode }),
  })),
  fc.constant({ why: 'sysctls', apply: (c: Case) => void (container(c).Sysctls = { 'kernel.core_pattern': '|/x' }) }),
);

function build(ingredients: Ingredient[]): Case {
  const c: Case = { spec: { Name: 'gen', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } }, Mode: { Replicated: { Replicas: 1 } } }, volumes: {}, why: [] };
  for (const ingredient of ingredients) {
    ingredient.apply(c);
    c.why.push(ingredient.why);
  }
  return c;
}

/** The gate over an engine that holds exactly what the case says. */
const gateFor = (c: Case) =>
  createPolicyGate(
    { listNetworks: async () => NETWORKS, inspectVolume: async (name) => c.volumes[name] ?? null },
    { reservedPorts: [DASHBOARD_PORT], allowedPorts: [[ALLOWED_PORT, ALLOWED_PORT]] },
  );

const verdict = (c: Case) =>
  gateFor(c)
    .admitSpec(user, c.spec as DockerServiceSpec)
    .then(
      () => 'admitted',
      (e: unknown) => (e instanceof AppError ? e.code : `threw ${String(e)}`),
    );

const test = suite('the policy, as a property');
let tried = 0;

test('should never admit a generated spec holding a way to the host, for a user without services.privileged', async () => {
  const cases = fc.tuple(fc.array(good, { maxLength: 6 }), fc.array(bad, { minLength: 1, maxLength: 3 }), fc.array(good, { maxLength: 3 })).map(([before, worse, after]) => build([...before, ...worse, ...after]));
  await fc.assert(
    fc.asyncProperty(cases, async (c) => {
      tried++;
      const got = await verdict(c);
      if (got !== 'policy_denied') throw new Error(`${got} for ${c.why.join(' + ')}: ${JSON.stringify(c.spec)}`);
    }),
    { numRuns: RUNS_DENIED, ...SEED },
  );
});

test('should admit every generated spec made only of what the policy allows', async () => {
  const cases = fc.array(good, { maxLength: 8 }).map(build);
  await fc.assert(
    fc.asyncProperty(cases, async (c) => {
      tried++;
      const got = await verdict(c);
      if (got !== 'admitted') throw new Error(`${got} for ${c.why.join(' + ')}: ${JSON.stringify(c.spec)}`);
    }),
    { numRuns: RUNS_ALLOWED, ...SEED },
  );
});

test.after(() => {
  console.log(`property test: ${tried} generated specs tried (${RUNS_DENIED} with a way to the host, ${RUNS_ALLOWED} without)`);
});

test('should have tried them all', () => {
  assert.is(tried, RUNS_DENIED + RUNS_ALLOWED);
});

test.run();
