import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyServiceInput, serviceInputSchema, toServiceSpec } from '../../../lib/swarm/service-input.ts';
import {
  emptyForm, formFromSpec, joinWords, parseBytes, serverFieldErrors, splitWords, toServiceInput, type ServiceForm,
} from './service-form.ts';

const form = (over: Partial<ServiceForm> = {}): ServiceForm => ({ ...emptyForm(), name: 'web', image: 'local/busybox:1', command: 'sleep 3600', ...over });

const words = suite('splitWords and joinWords');
words('should split like a shell, with quotes and escapes', () => {
  assert.equal(splitWords(`sh -c 'echo "hi there"' a\\ b ""`), ['sh', '-c', 'echo "hi there"', 'a b', '']);
  assert.equal(splitWords('  '), []);
  assert.throws(() => splitWords(`echo 'oops`), /unclosed/);
});
words('should round-trip through joinWords', () => {
  for (const w of [['sleep', '3600'], ['sh', '-c', "it's a test"], ['', 'x y', 'a\\b']]) assert.equal(splitWords(joinWords(w)), w);
});
words.run();

const bytes = suite('parseBytes');
bytes('should read sizes with binary units', () => {
  assert.is(parseBytes('256M'), 256 * 1024 ** 2);
  assert.is(parseBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.is(parseBytes('4096'), 4096);
  assert.ok(Number.isNaN(parseBytes('12 parsecs')));
});
bytes.run();

const convert = suite('toServiceInput');
convert('should build a ServiceInput the server accepts', () => {
  const { input, errors } = toServiceInput(
    form({
      replicas: '3',
      env: 'A=1\nB=x=y',
      labels: 'team=front',
      ports: [{ published: '', target: '80', protocol: 'tcp', mode: 'ingress' }, { published: '8053', target: '53', protocol: 'udp', mode: 'host' }],
      mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }, { type: 'tmpfs', source: '', target: '/tmp', readOnly: false }],
      constraints: 'node.role==manager',
      limitCpus: '0.5',
      limitMemory: '64M',
      networks: 'backend, frontend',
    }),
  );
  assert.equal(errors, {});
  assert.equal(input.command, ['sleep', '3600']);
  assert.equal(input.env, { A: '1', B: 'x=y' });
  assert.equal(input.ports, [{ target: 80, protocol: 'tcp', mode: 'ingress' }, { published: 8053, target: 53, protocol: 'udp', mode: 'host' }]);
  assert.equal(input.resources?.limits, { cpus: 0.5, memoryBytes: 64 * 1024 ** 2 });
  assert.equal(input.networks, ['backend', 'frontend']);
  const server = serviceInputSchema.safeParse(input);
  assert.ok(server.success, JSON.stringify(server.error?.issues));
});
convert('should name each bad field', () => {
  const { errors } = toServiceInput(
    form({
      name: '-bad',
      image: 'has space',
      replicas: '-1',
      env: 'not a pair',
      ports: [{ published: '70000', target: '', protocol: 'tcp', mode: 'ingress' }],
      mounts: [{ type: 'tmpfs', source: 'x', target: 'relative', readOnly: false }],
      constraints: 'node.role',
      limitMemory: 'lots',
    }),
  );
  assert.equal(Object.keys(errors).sort(), [
    'constraints', 'env', 'image', 'mounts.0.source', 'mounts.0.target', 'name', 'ports.0.published', 'ports.0.target', 'replicas', 'resources.limits.memoryBytes',
  ]);
});
convert('should flag bind mounts and host networking without services.privileged only', () => {
  const f = form({ mounts: [{ type: 'bind', source: '/etc', target: '/host-etc', readOnly: true }], networks: 'host' });
  const plain = toServiceInput(f).errors;
  assert.ok(plain['mounts.0.type']);
  assert.ok(plain.networks);
  assert.equal(toServiceInput(f, { privileged: true }).errors, {});
});
convert.run();

// NOTE: the client's rules mirror lib/swarm/service-input.ts; this checks both agree on each case.
const parity = suite('client and server validation agree');
const cases: [string, Partial<ServiceForm>][] = [
  ['a valid minimal form', {}],
  ['a dotted name', { name: 'web.v2' }],
  ['a 64-character name', { name: 'a'.repeat(64) }],
  ['an underscore name', { name: 'my_web-1' }],
  ['a name ending in a dash', { name: 'web-' }],
  ['whitespace in the image', { image: 'local/busybox :1' }],
  ['too many replicas', { replicas: '1001' }],
  ['a lower-case env key with a digit', { env: 'a1=x' }],
  ['an env key starting with a digit', { env: '1A=x' }],
  ['an env key with a dash', { env: 'MY-VAR=x' }],
  ['a label with dots and slashes', { labels: 'com.example/team=x' }],
  ['a label ending in a dot', { labels: 'team.=x' }],
  ['a constraint with spaces', { constraints: 'node.labels.zone == east' }],
  ['a constraint without operator', { constraints: 'node.role' }],
  ['a port 0', { ports: [{ published: '', target: '0', protocol: 'tcp', mode: 'ingress' }] }],
  ['a mount target /', { mounts: [{ type: 'volume', source: 'v', target: '/', readOnly: false }] }],
  ['a tmpfs mount with a source', { mounts: [{ type: 'tmpfs', source: 'x', target: '/t', readOnly: false }] }],
  ['a negative CPU limit', { limitCpus: '-1' }],
  ['a bad network name', { networks: '-net' }],
];
for (const [name, over] of cases) {
  parity(`should agree on ${name}`, () => {
    const client = toServiceInput(form(over), { privileged: true });
    const clientOk = Object.keys(client.errors).length === 0;
    const serverOk = clientOk ? serviceInputSchema.safeParse(client.input).success : null;
    if (clientOk) assert.ok(serverOk, `client accepted but the server schema refuses: ${JSON.stringify(client.input)}`);
    else {
      // the client refused: what the server would get by sending the raw text must be refused too
      const raw = { ...client.input } as Record<string, unknown>;
      if (over.name !== undefined) raw.name = over.name;
      if (over.image !== undefined) raw.image = over.image;
      if (over.replicas !== undefined) raw.replicas = Number(over.replicas);
      if (over.env !== undefined) raw.env = Object.fromEntries(over.env.split('\n').map((l) => [l.split('=')[0], l.split('=').slice(1).join('=')]));
      if (over.labels !== undefined) raw.labels = Object.fromEntries(over.labels.split('\n').map((l) => [l.split('=')[0], l.split('=').slice(1).join('=')]));
      if (over.constraints !== undefined) raw.constraints = [over.constraints];
      if (over.limitCpus !== undefined) raw.resources = { limits: { cpus: Number(over.limitCpus) } };
      if (over.networks !== undefined) raw.networks = [over.networks];
      if (over.mounts !== undefined) raw.mounts = over.mounts.map((m) => ({ type: m.type, target: m.target, ...(m.source ? { source: m.source } : {}) }));
      if (over.ports !== undefined) raw.ports = over.ports.map((p) => ({ target: Number(p.target) }));
      assert.not.ok(serviceInputSchema.safeParse(raw).success, `client refused (${JSON.stringify(client.errors)}) but the server schema accepts`);
    }
  });
}
parity.run();

const spec = suite('formFromSpec');
spec('should read a Docker ServiceSpec back into the same form', () => {
  const docker = {
    Name: 'web',
    Labels: { team: 'front' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'local/busybox:1@sha256:' + 'a'.repeat(64),
        Command: ['sh', '-c', 'sleep 3600'],
        Env: ['A=1'],
        Mounts: [{ Type: 'volume', Source: 'data', Target: '/data', ReadOnly: true }],
      },
      Resources: { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 ** 2 } },
      Placement: { Constraints: ['node.role==manager'] },
      Networks: [{ Target: 'backend' }],
    },
    Mode: { Replicated: { Replicas: 2 } },
    EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }] },
  };
  const f = formFromSpec(docker);
  assert.is(f.image, 'local/busybox:1');
  assert.is(f.command, 'sh -c \'sleep 3600\'');
  assert.is(f.replicas, '2');
  assert.is(f.limitCpus, '0.5');
  assert.is(f.limitMemory, '64M');
  const { input, errors } = toServiceInput(f);
  assert.equal(errors, {});
  assert.equal(input.command, ['sh', '-c', 'sleep 3600']);
  assert.equal(input.ports, [{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' }]);
  assert.equal(input.mounts, [{ type: 'volume', source: 'data', target: '/data', readOnly: true }]);
});
spec('should read global mode', () => {
  assert.is(formFromSpec({ Name: 'g', Mode: { Global: {} }, TaskTemplate: { ContainerSpec: { Image: 'x' } } }).mode, 'global');
});
spec('should carry update, rollback, restart, healthcheck, secrets, configs and preferences through the server schema and back', () => {
  const form = {
    ...emptyForm(),
    name: 'web',
    image: 'local/busybox:1',
    secrets: 'db-pass\ntoken:api-token',
    configs: 'nginx:/etc/nginx.conf',
    preferences: 'node.labels.zone',
    restartCondition: 'on-failure' as const,
    restartMaxAttempts: '3',
    restartDelay: '2',
    restartWindow: '30',
    healthCommand: 'wget -q -O- localhost || exit 1',
    healthInterval: '10',
    healthTimeout: '3',
    healthRetries: '2',
    healthStartPeriod: '20',
    updateParallelism: '2',
    updateDelay: '5',
    updateFailureAction: 'rollback' as const,
    updateOrder: 'start-first' as const,
    updateMonitor: '15',
    updateMaxFailureRatio: '0.25',
    rollbackParallelism: '1',
    rollbackDelay: '4',
    rollbackFailureAction: 'pause' as const,
    rollbackOrder: 'stop-first' as const,
    rollbackMonitor: '6',
    rollbackMaxFailureRatio: '0.5',
  };
  const { input, errors } = toServiceInput(form);
  assert.equal(errors, {});
  assert.ok(serviceInputSchema.safeParse(input).success);
  assert.equal(input.secrets, [{ name: 'db-pass' }, { name: 'token', target: 'api-token' }]);
  assert.equal(input.healthcheck, { test: ['CMD-SHELL', 'wget -q -O- localhost || exit 1'], intervalSeconds: 10, timeoutSeconds: 3, retries: 2, startPeriodSeconds: 20 });
  assert.equal(input.updateConfig, { parallelism: 2, delaySeconds: 5, failureAction: 'rollback', order: 'start-first', monitorSeconds: 15, maxFailureRatio: 0.25 });
  const engine = toServiceSpec(input, {
    secrets: [{ id: 's1', name: 'db-pass.v1', labels: {}, createdAt: '', updatedAt: '', version: 1 }, { id: 's2', name: 'token.v3', labels: {}, createdAt: '', updatedAt: '', version: 1 }],
    configs: [{ id: 'c1', name: 'nginx.v2', labels: {}, createdAt: '', updatedAt: '', version: 1 }],
  });
  const back = formFromSpec(engine);
  for (const key of Object.keys(form) as (keyof typeof form)[]) if (key !== 'replicas') assert.equal(back[key], form[key], key);
});

spec('should flag bad numbers, a relative config path and a bad secret name', () => {
  const { errors } = toServiceInput({
    ...emptyForm(), name: 'web', image: 'i:1', configs: 'nginx:etc/x', secrets: 'bad.name', updateParallelism: '1.5', restartDelay: '-1',
    rollbackMaxFailureRatio: '1.5', healthCommand: "echo 'open", healthKind: 'CMD',
  });
  assert.equal(Object.keys(errors).sort(), ['configs', 'healthcheck', 'restartPolicy.delaySeconds', 'rollbackConfig.maxFailureRatio', 'secrets', 'updateConfig.parallelism']);
});

spec('should drop nothing of a service when it is saved from the form unchanged', () => {
  const s = 1e9;
  const engine = {
    Name: 'web',
    Mode: { Replicated: { Replicas: 2 } },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'local/busybox:1',
        Healthcheck: { Test: ['CMD', 'wget', '-q', '-O-', 'http://localhost/health check'], Interval: 10 * s, Timeout: 3 * s, Retries: 2, StartPeriod: 20 * s },
        Secrets: [{ SecretName: 'token.v2', SecretID: 's2', File: { Name: 'token', UID: '0', GID: '0', Mode: 0o444 } }],
      },
      RestartPolicy: { Condition: 'on-failure', Delay: 2 * s, MaxAttempts: 3, Window: 30 * s },
    },
    UpdateConfig: { Parallelism: 2, Delay: 5 * s, FailureAction: 'rollback', Monitor: 15 * s, MaxFailureRatio: 0.25, Order: 'start-first' },
    RollbackConfig: { Parallelism: 1, Delay: 4 * s, FailureAction: 'pause', Monitor: 6 * s, MaxFailureRatio: 0.5, Order: 'stop-first' },
  };
  const { input, errors } = toServiceInput(formFromSpec(engine));
  assert.equal(errors, {});
  const saved = applyServiceInput(structuredClone(engine), input, { secrets: [{ id: 's2', name: 'token.v2', labels: {}, createdAt: '', updatedAt: '', version: 1 }] });
  const task = saved.TaskTemplate as { ContainerSpec: { Healthcheck: unknown }; RestartPolicy: unknown };
  assert.equal(task.ContainerSpec.Healthcheck, engine.TaskTemplate.ContainerSpec.Healthcheck);
  assert.equal(task.RestartPolicy, engine.TaskTemplate.RestartPolicy);
  assert.equal(saved.UpdateConfig, engine.UpdateConfig);
  assert.equal(saved.RollbackConfig, engine.RollbackConfig);
});

spec('should remove the last secret and config when their fields are cleared', () => {
  const { input } = toServiceInput(form({ secrets: '', configs: '' }));
  assert.equal([input.secrets, input.configs], [[], []]);
});

spec.run();

const server = suite('serverFieldErrors');
server('should map the server validation details onto form paths', () => {
  const { fields, general } = serverFieldErrors([
    { field: 'ports.0.target', message: 'Too big' },
    { field: '(body)', message: 'invalid JSON' },
  ]);
  assert.equal(fields, { 'ports.0.target': 'Too big', '(body)': 'invalid JSON' });
  assert.equal(general, []);
});
server.run();
