import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { isAppError } from '../errors.ts';
import type { DockerServiceSpec } from './swarm.ts';
import {
  applyServiceInput,
  fromServiceSpec,
  serviceInputPatchSchema,
  serviceInputSchema,
  toServiceSpec,
  withForceUpdate,
  type ServiceInput,
} from './service-input.ts';

const full: ServiceInput = {
  name: 'web',
  image: 'local/busybox:1',
  mode: 'replicated',
  replicas: 2,
  command: ['sh', '-c'],
  args: ['httpd -f -p 8080'],
  env: { A: '1', B_C: 'x=y' },
  labels: { 'com.example.team': 'ops' },
  ports: [{ published: 8080, target: 8080, mode: 'host' }],
  mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }, { type: 'tmpfs', target: '/tmp' }],
  constraints: ['node.role == manager'],
  resources: { limits: { cpus: 0.5, memoryBytes: 64 * 1024 * 1024 }, reservations: { cpus: 0.25 } },
  networks: ['backend'],
};

const Schema = suite('serviceInputSchema');

Schema('should accept a minimal and a full input', () => {
  assert.ok(serviceInputSchema.safeParse({ name: 'a', image: 'x' }).success);
  assert.ok(serviceInputSchema.safeParse(full).success);
  assert.ok(serviceInputSchema.safeParse({ name: 'g', image: 'x', mode: 'global' }).success);
});

const rejected: Array<[string, unknown, string]> = [
  ['a missing name', { image: 'x' }, 'name'],
  ['a missing image', { name: 'a' }, 'image'],
  ['an empty image', { name: 'a', image: '' }, 'image'],
  ['a name with a dot', { name: 'a.b', image: 'x' }, 'name'],
  ['a name starting with a dash', { name: '-a', image: 'x' }, 'name'],
  ['a name ending with an underscore', { name: 'a_', image: 'x' }, 'name'],
  ['a name of 64 characters', { name: 'a'.repeat(64), image: 'x' }, 'name'],
  ['a name with a slash', { name: 'a/b', image: 'x' }, 'name'],
  ['negative replicas', { name: 'a', image: 'x', replicas: -1 }, 'replicas'],
  ['fractional replicas', { name: 'a', image: 'x', replicas: 1.5 }, 'replicas'],
  ['too many replicas', { name: 'a', image: 'x', replicas: 1001 }, 'replicas'],
  ['replicas with mode global', { name: 'a', image: 'x', mode: 'global', replicas: 1 }, 'replicas'],
  ['an unknown mode', { name: 'a', image: 'x', mode: 'job' }, 'mode'],
  ['an unknown key', { name: 'a', image: 'x', privileged: true }, ''],
  ['an unknown key in a mount', { name: 'a', image: 'x', mounts: [{ type: 'volume', target: '/d', driver: 'local' }] }, 'mounts'],
  ['a mount of an unknown type', { name: 'a', image: 'x', mounts: [{ type: 'npipe', target: '/d' }] }, 'mounts'],
  ['a relative mount target', { name: 'a', image: 'x', mounts: [{ type: 'volume', target: 'data' }] }, 'mounts'],
  ['a bind without source', { name: 'a', image: 'x', mounts: [{ type: 'bind', target: '/d' }] }, 'mounts'],
  ['a tmpfs with a source', { name: 'a', image: 'x', mounts: [{ type: 'tmpfs', source: '/x', target: '/d' }] }, 'mounts'],
  ['an env key with "="', { name: 'a', image: 'x', env: { 'A=B': 'c' } }, 'env'],
  ['an env key starting with a digit', { name: 'a', image: 'x', env: { '1A': 'c' } }, 'env'],
  ['an env value that is not a string', { name: 'a', image: 'x', env: { A: 1 } }, 'env'],
  ['a label key with a space', { name: 'a', image: 'x', labels: { 'a b': 'c' } }, 'labels'],
  ['port 0', { name: 'a', image: 'x', ports: [{ target: 0 }] }, 'ports'],
  ['port 65536', { name: 'a', image: 'x', ports: [{ target: 80, published: 65536 }] }, 'ports'],
  ['an unknown protocol', { name: 'a', image: 'x', ports: [{ target: 80, protocol: 'icmp' }] }, 'ports'],
  ['a command that is a string', { name: 'a', image: 'x', command: 'sh -c id' }, 'command'],
  ['101 command words', { name: 'a', image: 'x', command: Array(101).fill('x') }, 'command'],
  ['a constraint without an operator', { name: 'a', image: 'x', constraints: ['node.role'] }, 'constraints'],
  ['negative cpus', { name: 'a', image: 'x', resources: { limits: { cpus: -1 } } }, 'resources'],
  ['an unknown resource key', { name: 'a', image: 'x', resources: { limits: { pids: 10 } } }, 'resources'],
  ['a network with a space', { name: 'a', image: 'x', networks: ['a b'] }, 'networks'],
  ['201 env variables', { name: 'a', image: 'x', env: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`V${i}`, ''])) }, 'env'],
];

for (const [what, input, field] of rejected) {
  Schema(`should reject ${what}`, () => {
    const result = serviceInputSchema.safeParse(input);
    assert.not.ok(result.success);
    const issues = result.error?.issues ?? [];
    if (field) assert.ok(issues.some((i) => i.path[0] === field), JSON.stringify(issues));
  });
}

Schema('should accept any subset in the patch schema but keep its rules', () => {
  assert.ok(serviceInputPatchSchema.safeParse({}).success);
  assert.ok(serviceInputPatchSchema.safeParse({ replicas: 3 }).success);
  assert.not.ok(serviceInputPatchSchema.safeParse({ replicas: -3 }).success);
  assert.not.ok(serviceInputPatchSchema.safeParse({ mode: 'global', replicas: 3 }).success);
  assert.not.ok(serviceInputPatchSchema.safeParse({ extra: 1 }).success);
});

Schema('should be representable as JSON Schema', () => {
  const schema = z.toJSONSchema(serviceInputSchema) as { additionalProperties?: boolean; required?: string[] };
  assert.is(schema.additionalProperties, false);
  assert.equal(schema.required, ['name', 'image']);
  z.toJSONSchema(serviceInputPatchSchema);
});

Schema.run();

const ToSpec = suite('toServiceSpec');

ToSpec('should build the Engine API spec', () => {
  assert.equal(toServiceSpec(full), {
    Name: 'web',
    Labels: { 'com.example.team': 'ops' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'local/busybox:1',
        Command: ['sh', '-c'],
        Args: ['httpd -f -p 8080'],
        Env: ['A=1', 'B_C=x=y'],
        Mounts: [
          { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: true },
          { Type: 'tmpfs', Target: '/tmp' },
        ],
      },
      Placement: { Constraints: ['node.role == manager'] },
      Resources: {
        Limits: { NanoCPUs: 500_000_000, MemoryBytes: 67_108_864 },
        Reservations: { NanoCPUs: 250_000_000 },
      },
      Networks: [{ Target: 'backend' }],
    },
    Mode: { Replicated: { Replicas: 2 } },
    EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: 8080, PublishMode: 'host' }] },
  });
});

ToSpec('should default to one replica and build global services', () => {
  assert.equal(toServiceSpec({ name: 'a', image: 'x' }), {
    Name: 'a',
    Labels: {},
    TaskTemplate: { ContainerSpec: { Image: 'x' } },
    Mode: { Replicated: { Replicas: 1 } },
  });
  assert.equal(toServiceSpec({ name: 'a', image: 'x', mode: 'global' }).Mode, { Global: {} });
});

ToSpec('should round-trip through fromServiceSpec', () => {
  const back = fromServiceSpec(toServiceSpec(full));
  assert.equal(back, {
    ...full,
    ports: [{ published: 8080, target: 8080, protocol: 'tcp', mode: 'host' }],
  });
  assert.ok(serviceInputSchema.safeParse(back).success);
});

ToSpec('should map update and rollback config, restart policy, healthcheck and placement preferences, and read them back', () => {
  const input = {
    name: 'web',
    image: 'local/busybox:1',
    updateConfig: { parallelism: 2, delaySeconds: 5, failureAction: 'rollback' as const, monitorSeconds: 1.5, maxFailureRatio: 0.2, order: 'start-first' as const },
    rollbackConfig: { parallelism: 1, failureAction: 'pause' as const },
    restartPolicy: { condition: 'on-failure' as const, delaySeconds: 2, maxAttempts: 3, windowSeconds: 60 },
    healthcheck: { test: ['CMD-SHELL', 'true'], intervalSeconds: 10, timeoutSeconds: 3, retries: 2, startPeriodSeconds: 1 },
    placementPreferences: [{ spread: 'node.labels.zone' }],
  };
  assert.ok(serviceInputSchema.safeParse(input).success);
  const spec = toServiceSpec(input) as Record<string, any>;
  assert.equal(spec.UpdateConfig, { Parallelism: 2, Delay: 5e9, FailureAction: 'rollback', Monitor: 1.5e9, MaxFailureRatio: 0.2, Order: 'start-first' });
  assert.equal(spec.RollbackConfig, { Parallelism: 1, FailureAction: 'pause' });
  assert.equal(spec.TaskTemplate.RestartPolicy, { Condition: 'on-failure', Delay: 2e9, MaxAttempts: 3, Window: 60e9 });
  assert.equal(spec.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 10e9, Timeout: 3e9, Retries: 2, StartPeriod: 1e9 });
  assert.equal(spec.TaskTemplate.Placement, { Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }] });
  const back = fromServiceSpec(spec as DockerServiceSpec);
  for (const key of ['updateConfig', 'rollbackConfig', 'restartPolicy', 'healthcheck', 'placementPreferences'] as const) assert.equal(back[key], input[key], key);
});

ToSpec('should refuse a rollback that rolls back, a healthcheck without CMD, and an unknown restart condition', () => {
  const bad = (extra: object) => serviceInputSchema.safeParse({ name: 'web', image: 'i', ...extra }).success;
  assert.is(bad({ rollbackConfig: { failureAction: 'rollback' } }), false);
  assert.is(bad({ healthcheck: { test: ['curl', 'x'] } }), false);
  assert.is(bad({ restartPolicy: { condition: 'always' } }), false);
  assert.is(bad({ placementPreferences: [{ spread: 'node labels' }] }), false);
});

ToSpec.run();

// A spec as the engine returns it, with parts ServiceInput does not describe.
const engineSpec = (): DockerServiceSpec => ({
  Name: 'web',
  Labels: { keep: 'me' },
  TaskTemplate: {
    ContainerSpec: {
      Image: 'local/busybox:1@sha256:abc',
      Command: ['sleep', '3600'],
      Env: ['A=1'],
      CapabilityAdd: ['NET_ADMIN'],
      Mounts: [{ Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { DriverConfig: { Name: 'local' } } }],
      Isolation: 'default',
    },
    Resources: { Limits: { NanoCPUs: 1e9, Pids: 100 } },
    Placement: { Constraints: ['node.role == worker'], Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }] },
    RestartPolicy: { Condition: 'any' },
    ForceUpdate: 3,
    Runtime: 'container',
  },
  Mode: { Replicated: { Replicas: 1 } },
  UpdateConfig: { Parallelism: 1, Order: 'stop-first' },
  EndpointSpec: { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }] },
});

const Apply = suite('applyServiceInput');

Apply('should change nothing for an empty patch', () => {
  assert.equal(applyServiceInput(engineSpec(), {}), engineSpec());
});

Apply('should not modify the current spec', () => {
  const current = engineSpec();
  applyServiceInput(current, { replicas: 5, env: {}, mounts: [], resources: {} });
  assert.equal(current, engineSpec());
});

Apply('should replace only the fields given and keep every other part', () => {
  const next = applyServiceInput(engineSpec(), { replicas: 4, image: 'local/busybox:2', env: { B: '2' } });
  const expected = engineSpec() as any;
  expected.Mode.Replicated.Replicas = 4;
  expected.TaskTemplate.ContainerSpec.Image = 'local/busybox:2';
  expected.TaskTemplate.ContainerSpec.Env = ['B=2'];
  assert.equal(next, expected);
});

Apply('should keep the other keys of the parts it replaces', () => {
  const next = applyServiceInput(engineSpec(), {
    ports: [{ target: 81 }],
    constraints: [],
    resources: { limits: { memoryBytes: 1024 } },
    mounts: [{ type: 'tmpfs', target: '/t' }],
  }) as any;
  assert.equal(next.EndpointSpec, { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 81, PublishMode: 'ingress' }] });
  assert.equal(next.TaskTemplate.Placement, { Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }] });
  assert.equal(next.TaskTemplate.Resources, { Limits: { Pids: 100, MemoryBytes: 1024 } });
  assert.equal(next.TaskTemplate.ContainerSpec.Mounts, [{ Type: 'tmpfs', Target: '/t' }]);
  assert.equal(next.TaskTemplate.ContainerSpec.CapabilityAdd, ['NET_ADMIN']);
  assert.equal(next.UpdateConfig, { Parallelism: 1, Order: 'stop-first' });
});

Apply('should clear a list given empty', () => {
  const next = applyServiceInput(engineSpec(), { command: [], env: {}, mounts: [] }) as any;
  assert.not.ok('Command' in next.TaskTemplate.ContainerSpec);
  assert.not.ok('Env' in next.TaskTemplate.ContainerSpec);
  assert.not.ok('Mounts' in next.TaskTemplate.ContainerSpec);
});

Apply('should move networks into the task template', () => {
  const current = { ...engineSpec(), Networks: [{ Target: 'old' }] };
  const next = applyServiceInput(current, { networks: ['new'] }) as any;
  assert.not.ok('Networks' in next);
  assert.equal(next.TaskTemplate.Networks, [{ Target: 'new' }]);
});

Apply('should refuse a rename, a mode change and replicas on a global service', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return isAppError(e) ? e.code : 'not an AppError';
    }
    return 'no error';
  };
  assert.is(code(() => applyServiceInput(engineSpec(), { name: 'other' })), 'validation_failed');
  assert.is(code(() => applyServiceInput(engineSpec(), { mode: 'global' })), 'validation_failed');
  const global = { ...engineSpec(), Mode: { Global: {} } };
  assert.is(code(() => applyServiceInput(global, { replicas: 2 })), 'validation_failed');
  assert.is(code(() => applyServiceInput(engineSpec(), { name: 'web', mode: 'replicated' })), 'no error');
});

Apply('should survive a hostile current spec', () => {
  const hostile = { Name: 'web', TaskTemplate: 'nope', Mode: null, EndpointSpec: [1] } as unknown as DockerServiceSpec;
  const next = applyServiceInput(hostile, { image: 'x', replicas: 1, ports: [{ target: 1 }] }) as any;
  assert.is(next.TaskTemplate.ContainerSpec.Image, 'x');
  assert.equal(next.Mode, { Replicated: { Replicas: 1 } });
  assert.equal(fromServiceSpec(hostile).name, 'web');
});

Apply('should replace or remove the update config, restart policy, healthcheck and preferences, keeping constraints', () => {
  const next = applyServiceInput(engineSpec(), { updateConfig: {}, restartPolicy: { condition: 'none' }, healthcheck: { test: ['NONE'] }, placementPreferences: [] }) as Record<string, any>;
  assert.is(next.UpdateConfig, undefined);
  assert.equal(next.TaskTemplate.RestartPolicy, { Condition: 'none' });
  assert.equal(next.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['NONE'] });
  assert.equal(next.TaskTemplate.Placement, { Constraints: ['node.role == worker'] });
});

Apply.run();

const Force = suite('withForceUpdate');

Force('should increment ForceUpdate and keep the rest', () => {
  const next = withForceUpdate(engineSpec()) as any;
  assert.is(next.TaskTemplate.ForceUpdate, 4);
  next.TaskTemplate.ForceUpdate = 3;
  assert.equal(next, engineSpec());
  assert.is((withForceUpdate({ Name: 'a' }) as any).TaskTemplate.ForceUpdate, 1);
});

Force.run();
