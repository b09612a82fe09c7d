import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../errors.ts';
import { applyServiceInput, toServiceSpec } from './service-input.ts';
import { POLICY_RULES, checkServiceSpec, enforceServiceSpec } from './spec-policy.ts';
import type { PolicyContext } from './spec-policy.ts';
import type { DockerServiceSpec } from './swarm.ts';

const HOST_ID = 'c89da1676cdc6a7bfce0338d0fbaaeee0e601e0409a1f2cc3853a04258eefe06';
const NONE_ID = '30688e8819564b6593342309c6be4753b8dadc93240497e399428c04f5aa07aa';
const SWARM_HOST_ID = 'x2u1l3c3qz8b1y5v0t9r4k7p6';
const WORKLOADS_ID = '5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const context: PolicyContext = {
  hostNetworks: ['host', HOST_ID, 'none', NONE_ID, SWARM_HOST_ID],
  workloadNetworks: ['workloads', WORKLOADS_ID],
  volumes: {
    'workload-data': null,
    'workload-plain': { name: 'workload-plain', driver: 'local', options: {}, labels: {}, scope: 'local' },
    'workload-etc': { name: 'workload-etc', driver: 'local', options: { type: 'none', o: 'bind', device: '/etc' }, labels: {}, scope: 'local' },
    'workload-nfs': { name: 'workload-nfs', driver: 'rexray/nfs', options: {}, labels: {}, scope: 'global' },
    etc: { name: 'etc', driver: 'local', options: { type: 'none', o: 'bind', device: '/etc' }, labels: {}, scope: 'local' },
    'workload-../../etc': null,
  },
  ports: { reserved: [3000], allowed: [[2000, 2100]] },
};

type Json = Record<string, any>;

/** What the engine (20.10) answers for `docker service create --replicas 0 … local/busybox:1 sleep 1`. */
function clean(): Json {
  return {
    Name: 'web',
    Labels: {},
    TaskTemplate: {
      ContainerSpec: {
        Image: 'local/busybox:1',
        Args: ['sleep', '3600'],
        Env: ['A=1'],
        Init: false,
        StopGracePeriod: 10_000_000_000,
        Healthcheck: { Test: ['CMD-SHELL', 'true'] },
        DNSConfig: {},
        Isolation: 'default',
      },
      Resources: { Limits: { NanoCPUs: 100_000_000 }, Reservations: {} },
      RestartPolicy: { Condition: 'any', Delay: 5_000_000_000, MaxAttempts: 0 },
      Placement: { Constraints: ['node.role==manager'] },
      ForceUpdate: 0,
      Runtime: 'container',
    },
    Mode: { Replicated: { Replicas: 0 } },
    UpdateConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5_000_000_000, MaxFailureRatio: 0, Order: 'stop-first' },
    RollbackConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5_000_000_000, MaxFailureRatio: 0, Order: 'stop-first' },
    EndpointSpec: { Mode: 'vip' },
  };
}

/** A clean spec with `patch` merged into its ContainerSpec. */
function container(patch: Json): Json {
  const spec = clean();
  Object.assign(spec.TaskTemplate.ContainerSpec, patch);
  return spec;
}

/** A clean spec with `patch` merged into its TaskTemplate. */
function task(patch: Json): Json {
  const spec = clean();
  Object.assign(spec.TaskTemplate, patch);
  return spec;
}

const mount = (m: Json): Json => container({ Mounts: [m] });
const bind = (source: string, target = '/host'): Json => mount({ Type: 'bind', Source: source, Target: target });
const volume = (options: Json, name = 'local'): Json =>
  mount({ Type: 'volume', Source: 'workload-data', Target: '/data', VolumeOptions: { DriverConfig: { Name: name, Options: options } } });

const rulesOf = (spec: unknown): string[] => checkServiceSpec(spec as DockerServiceSpec, context).map((v) => v.rule).sort();

// ---------------------------------------------------------------------------------------------------

const denied: Array<[title: string, spec: unknown, rules: string[]]> = [
  // Mounts: binds, whatever they look like
  ['a bind of /', bind('/'), ['bind_mount', 'docker_socket']],
  ['a bind of /etc', bind('/etc'), ['bind_mount']],
  ['a bind with an upper-case type', mount({ Type: 'BIND', Source: '/etc', Target: '/e' }), ['bind_mount']],
  ['a bind with a padded type', mount({ Type: ' Bind ', Source: '/etc', Target: '/e' }), ['bind_mount']],
  ['a mount with no type (the engine makes it a bind)', mount({ Source: '/', Target: '/host' }), ['bind_mount', 'docker_socket']],
  ['a mount with an empty type', mount({ Type: '', Source: '/srv', Target: '/srv' }), ['bind_mount']],
  ['a named pipe of the Windows engine', mount({ Type: 'npipe', Source: '\\\\.\\pipe\\docker_engine', Target: '\\\\.\\pipe\\docker_engine' }), ['docker_socket', 'docker_socket', 'npipe_mount']],
  ['a cluster (CSI) volume', mount({ Type: 'cluster', Source: 'csi-vol', Target: '/data' }), ['cluster_volume']],
  ['an image mount', mount({ Type: 'image', Source: 'local/busybox:1', Target: '/img' }), ['mount_type']],
  ['an unknown mount type', mount({ Type: 'overlay', Source: 'x', Target: '/x' }), ['mount_type']],

  // The Docker socket under every name
  ['the Docker socket', bind('/var/run/docker.sock', '/var/run/docker.sock'), ['bind_mount', 'docker_socket', 'docker_socket']],
  ['the socket at /run/docker.sock', bind('/run/docker.sock', '/sock'), ['bind_mount', 'docker_socket']],
  ['the socket through //var//run/./docker.sock', bind('//var//run/./docker.sock', '/sock'), ['bind_mount', 'docker_socket']],
  ['the socket through /var/run/../run/docker.sock', bind('/var/run/../run/docker.sock', '/sock'), ['bind_mount', 'docker_socket']],
  ['the socket with a trailing slash and upper case', bind('/VAR/RUN/DOCKER.SOCK/', '/sock'), ['bind_mount', 'docker_socket']],
  ['/var/run as a directory', bind('/var/run/', '/hostrun'), ['bind_mount', 'docker_socket']],
  ['/run as a directory, via ..', bind('/etc/../run', '/hostrun'), ['bind_mount', 'docker_socket']],
  ['/var as a directory', bind('/var', '/hostvar'), ['bind_mount', 'docker_socket']],
  ['a second engine socket', bind('/run/docker-n2.sock', '/sock'), ['bind_mount', 'docker_socket']],
  ['the containerd socket', bind('/run/containerd/containerd.sock', '/c.sock'), ['bind_mount', 'docker_socket']],
  ['a rootless socket', bind('/run/user/1000/docker.sock', '/sock'), ['bind_mount', 'docker_socket']],
  ['a bind whose target is the socket', bind('/tmp/x', '/var/run/docker.sock'), ['bind_mount', 'docker_socket']],
  ['a volume mounted on the socket path', mount({ Type: 'volume', Source: 'workload-data', Target: '/run/docker.sock' }), ['docker_socket']],

  // Volumes that are binds in disguise, or other host mounts
  ['a volume with type=none,o=bind,device=/', volume({ type: 'none', o: 'bind', device: '/' }), ['docker_socket', 'volume_bind_options']],
  ['a volume with o=rbind', volume({ type: 'none', o: 'rbind', device: '/etc' }), ['volume_bind_options']],
  ['a volume with upper-case keys and values', volume({ TYPE: 'NONE', O: 'RBIND,ro', DEVICE: '/etc' }), ['volume_bind_options']],
  ['a volume with o containing bind among others', volume({ o: 'ro,x-bind' }), ['volume_bind_options']],
  ['a volume with only a device (the host disk)', volume({ type: 'ext4', device: '/dev/sda1' }), ['volume_bind_options']],
  ['a volume whose device is the socket directory', volume({ type: 'none', o: 'bind', device: '/var/run/../run//' }), ['docker_socket', 'volume_bind_options']],
  ['a volume with an overlay of the host', volume({ type: 'overlay', o: 'lowerdir=/,upperdir=/tmp/u,workdir=/tmp/w' }), ['volume_driver_options']],
  ['a volume with an NFS mount', volume({ type: 'nfs', o: 'addr=10.0.0.1' }), ['volume_driver_options']],
  ['a non-local volume driver', volume({}, 'rexray/ebs'), ['volume_driver']],
  ['a local driver spelled in upper case', volume({}, 'LOCAL'), ['volume_driver']],
  [
    'bind options in VolumeOptions of a tmpfs mount',
    mount({ Type: 'tmpfs', Target: '/t', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/etc' } } } }),
    ['volume_bind_options'],
  ],
  ['a volume subpath that climbs out', mount({ Type: 'volume', Source: 'workload-data', Target: '/d', VolumeOptions: { Subpath: '../../..' } }), ['volume_subpath']],

  // Privileges and the kernel
  ['seccomp unconfined', container({ Privileges: { Seccomp: { Mode: 'unconfined' } } }), ['privileges']],
  ['a custom seccomp profile', container({ Privileges: { Seccomp: { Mode: 'custom', Profile: 'e30=' } } }), ['privileges']],
  ['AppArmor disabled', container({ Privileges: { AppArmor: { Mode: 'disabled' } } }), ['privileges']],
  ['SELinux labels disabled', container({ Privileges: { SELinuxContext: { Disable: true } } }), ['privileges']],
  ['an SELinux type of spc_t', container({ Privileges: { SELinuxContext: { Type: 'spc_t' } } }), ['privileges']],
  ['a credential spec', container({ Privileges: { CredentialSpec: { Config: 'abc' } } }), ['privileges']],
  ['CapabilityAdd SYS_ADMIN', container({ CapabilityAdd: ['SYS_ADMIN'] }), ['capability_add']],
  ['the old full Capabilities list', container({ Capabilities: ['CAP_SYS_ADMIN', 'CAP_SYS_MODULE'] }), ['capability_add']],
  ['sysctls', container({ Sysctls: { 'kernel.core_pattern': '|/tmp/x' } }), ['sysctls']],
  ['ulimits', container({ Ulimits: [{ Name: 'nofile', Soft: 1_048_576, Hard: 1_048_576 }] }), ['ulimits']],
  ['devices and privileged mode', container({ Devices: [{ PathOnHost: '/dev/sda' }], DeviceRequests: [{ Count: -1 }], Privileged: true }), ['devices', 'devices', 'privileged']],
  ['host namespaces', container({ PidMode: 'host', NetworkMode: 'host', UsernsMode: 'host' }), ['host_namespace', 'host_namespace', 'host_namespace']],
  ['Hyper-V or process isolation', container({ Isolation: 'process' }), ['isolation']],
  ['a negative OOM score', container({ OomScoreAdj: -1000 }), ['oom_score_adj']],
  ['secrets and configs', container({ Secrets: [{ SecretName: 'db-password', File: { Name: 'p' } }], Configs: [{ ConfigName: 'c', Runtime: {} }] }), ['configs', 'configs', 'secrets']],

  // Named volumes: what the engine holds, and names outside the workload namespace
  ['a named volume outside the workload namespace', mount({ Type: 'volume', Source: 'etc', Target: '/x' }), ['volume_namespace', 'volume_on_engine']],
  ['a named volume the manager holds as a bind (type=none,o=bind)', mount({ Type: 'volume', Source: 'workload-etc', Target: '/x' }), ['volume_on_engine']],
  ['a named volume the manager holds with a plugin driver', mount({ Type: 'VOLUME', Source: 'workload-nfs', Target: '/x' }), ['volume_on_engine']],
  ['a named volume the gate did not inspect', mount({ Type: 'volume', Source: 'workload-unread', Target: '/x' }), ['volume_on_engine']],
  ['a named volume whose name climbs out', mount({ Type: 'volume', Source: 'workload-../../etc', Target: '/x' }), ['volume_namespace']],

  // Reserved labels
  ['a service label of the dashboard', { ...clean(), Labels: { 'dashboard.system': 'true' } }, ['reserved_label']],
  ['a stack label on the service', { ...clean(), Labels: { 'com.docker.stack.namespace': 's' } }, ['reserved_label']],
  ['an OpenFaaS function label on the container', container({ Labels: { function: 'true', 'com.openfaas.scale.min': '1' } }), ['reserved_label', 'reserved_label']],
  ['a reserved label in upper case', container({ Labels: { 'Dashboard.System': 'x', ' COM.DOCKER.X ': 'y' } }), ['reserved_label', 'reserved_label']],
  ['a reserved label on a volume the engine would create', mount({ Type: 'volume', Source: 'workload-data', Target: '/d', VolumeOptions: { Labels: { 'dashboard.owner': 'root' } } }), ['reserved_label']],

  // Published ports
  ['a published port below 1024', { ...clean(), EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 80 }] } }, ['host_port']],
  ['the engine, swarm and dashboard ports', { ...clean(), EndpointSpec: { Ports: [2375, 2376, 2377, 4789, 7946, 31112, 3000].map((p) => ({ TargetPort: 1, PublishedPort: p, Protocol: 'udp' })) } }, Array(7).fill('host_port')],
  ['port 1 in host mode', { ...clean(), EndpointSpec: { Ports: [{ TargetPort: 1, PublishedPort: 1, PublishMode: 'host' }] } }, ['host_port']],

  // Networks
  ['an unlabelled network by name', task({ Networks: [{ Target: 'backend' }] }), ['unlabelled_network']],
  ['an unlabelled network by id', task({ Networks: [{ Target: 'fbbel6gx4dgj3om4aqt5rsuxm' }] }), ['unlabelled_network']],
  ['a workload network by id prefix (the engine might resolve another)', task({ Networks: [{ Target: WORKLOADS_ID.slice(0, 12) }] }), ['unlabelled_network']],
  ['a workload network name in another case', task({ Networks: [{ Target: 'Workloads' }] }), ['unlabelled_network']],
  ['an unlabelled network in the deprecated top-level Networks', { ...clean(), Networks: [{ Target: 'backend' }] }, ['unlabelled_network']],
  ['a network attachment without a target', task({ Networks: [{ Aliases: ['x'] }] }), ['unlabelled_network']],
  ['the host network by name', task({ Networks: [{ Target: 'host' }] }), ['host_network']],
  ['the host network in upper case', task({ Networks: [{ Target: ' HOST ' }] }), ['host_network']],
  ['the host network by id', task({ Networks: [{ Target: HOST_ID }] }), ['host_network']],
  ['the host network by id prefix', task({ Networks: [{ Target: 'c89da1676cdc' }] }), ['host_network']],
  ['the swarm host network by id', task({ Networks: [{ Target: SWARM_HOST_ID }] }), ['host_network']],
  ['the none network by id', task({ Networks: [{ Target: NONE_ID }] }), ['host_network']],
  ['the deprecated top-level Networks', { ...clean(), Networks: [{ Target: 'host' }] }, ['host_network']],
  ['network driver options', task({ Networks: [{ Target: 'workloads', DriverOpts: { 'com.docker.network.endpoint.ifname': 'eth9' } }] }), ['network_driver_options']],

  // Task runtimes and logging
  ['a plugin runtime', task({ Runtime: 'plugin', PluginSpec: { Name: 'evil', Remote: 'evil/plugin', Privileges: [{ Name: 'host', Value: ['/'] }] } }), ['task_runtime', 'task_runtime']],
  ['a network attachment runtime', task({ Runtime: 'attachment', NetworkAttachmentSpec: { ContainerID: 'abc' } }), ['task_runtime', 'task_runtime']],
  ['a syslog driver on the socket', task({ LogDriver: { Name: 'syslog', Options: { 'syslog-address': 'unix:///var/run/docker.sock' } } }), ['log_driver', 'log_driver']],
  ['a log plugin', task({ LogDriver: { Name: 'someone/log-plugin:latest' } }), ['log_driver']],
  ['log options for the daemon default driver', task({ LogDriver: { Options: { 'fluentd-address': 'unix:///run/containerd/containerd.sock' } } }), ['log_driver']],

  // Keys the engine reads although they are spelled differently
  ['mounts in lower case (Go matches keys case-insensitively)', container({ mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] }), ['unknown_field']],
  ['capabilityadd in lower case', container({ capabilityadd: ['SYS_ADMIN'] }), ['unknown_field']],
  ['a lower-case mount type key (no Type: a bind)', mount({ type: 'volume', Source: '/etc', Target: '/e' }), ['bind_mount', 'unknown_field']],
  ['a long-s spelling of Sysctls', container({ 'Sy\u017fctls': { 'net.ipv4.ip_forward': '1' } }), ['unknown_field']],
  ['unknown keys at every level', { ...task({ Priv: true }), HostConfig: { Privileged: true } }, ['unknown_field', 'unknown_field']],
  ['prototype names as keys', JSON.parse('{"TaskTemplate":{"constructor":{"x":1},"ContainerSpec":{"__proto__":{"CapabilityAdd":["ALL"]},"toString":"x"}}}'), ['unknown_field', 'unknown_field', 'unknown_field']],
];

const Escalations = suite('checkServiceSpec: escalation attempts');

for (const [title, spec, rules] of denied) {
  Escalations(`should deny ${title}`, () => {
    assert.equal(rulesOf(spec), [...rules].sort());
  });
}

Escalations('should deny an update that adds a bind to a clean service, though the create passed', () => {
  const created = toServiceSpec({ name: 'web', image: 'local/busybox:1', mounts: [{ type: 'volume', source: 'workload-data', target: '/data' }] });
  assert.equal(rulesOf(created), []);
  const updated = applyServiceInput(created, { mounts: [{ type: 'volume', source: 'workload-data', target: '/data' }, { type: 'bind', source: '/var/run/docker.sock', target: '/sock' }] });
  const violations = checkServiceSpec(updated, context);
  assert.equal(
    violations.map((v) => `${v.rule} ${v.path}`),
    ['bind_mount TaskTemplate.ContainerSpec.Mounts[1].Type', 'docker_socket TaskTemplate.ContainerSpec.Mounts[1].Source'],
  );
});

Escalations('should deny an update that attaches the host network to a clean service', () => {
  const updated = applyServiceInput(clean() as DockerServiceSpec, { networks: ['workloads', 'host'] });
  assert.equal(rulesOf(updated), ['host_network']);
});

Escalations('should deny an update that only changes env when the current spec already breaks the policy', () => {
  const current = container({ CapabilityAdd: ['NET_ADMIN'] }) as DockerServiceSpec;
  assert.equal(rulesOf(applyServiceInput(current, { env: { B: '2' } })), ['capability_add']);
});

Escalations('should deny a rollback to a previous spec that had a disguised bind', () => {
  const previous = volume({ type: 'none', o: 'bind', device: '/root' });
  assert.equal(rulesOf(previous), ['volume_bind_options']);
});

Escalations('should report several broken rules together, each with its path', () => {
  const spec = clean();
  Object.assign(spec.TaskTemplate.ContainerSpec, {
    Mounts: [
      { Type: 'tmpfs', Target: '/tmp' },
      { Type: 'bind', Source: '/', Target: '/host' },
    ],
    CapabilityAdd: ['SYS_ADMIN'],
    Sysctls: { 'net.ipv4.ip_forward': '1' },
    Privileges: { Seccomp: { Mode: 'unconfined' }, AppArmor: { Mode: 'disabled' } },
  });
  spec.TaskTemplate.Networks = [{ Target: 'workloads' }, { Target: 'host' }];
  const violations = checkServiceSpec(spec as DockerServiceSpec, context);
  assert.equal(
    violations.map((v) => `${v.rule} ${v.path}`),
    [
      'bind_mount TaskTemplate.ContainerSpec.Mounts[1].Type',
      'docker_socket TaskTemplate.ContainerSpec.Mounts[1].Source',
      'capability_add TaskTemplate.ContainerSpec.CapabilityAdd',
      'sysctls TaskTemplate.ContainerSpec.Sysctls',
      'privileges TaskTemplate.ContainerSpec.Privileges.Seccomp',
      'privileges TaskTemplate.ContainerSpec.Privileges.AppArmor',
      'host_network TaskTemplate.Networks[1].Target',
    ],
  );
  for (const v of violations) assert.type(v.message, 'string');
});

Escalations('should only report rules from POLICY_RULES', () => {
  const known = new Set<string>(POLICY_RULES);
  for (const [, spec] of denied) {
    for (const v of checkServiceSpec(spec as DockerServiceSpec, context)) assert.ok(known.has(v.rule), v.rule);
  }
});

Escalations.run();

// ---------------------------------------------------------------------------------------------------

const hostile: Array<[title: string, spec: unknown, rules: string[]]> = [
  ['a null spec', null, ['malformed']],
  ['an array spec', [clean()], ['malformed']],
  ['a number spec', 42, ['malformed']],
  ['a string spec', 'bind /', ['malformed']],
  ['a TaskTemplate array', { TaskTemplate: [] }, ['malformed']],
  ['a ContainerSpec string', { TaskTemplate: { ContainerSpec: 'privileged' } }, ['malformed']],
  ['Mounts as an object', container({ Mounts: { Type: 'bind', Source: '/' } }), ['malformed']],
  ['Mounts with null, a number and a string', container({ Mounts: [null, 5, 'bind'] }), ['malformed', 'malformed', 'malformed']],
  ['a mount source that is a number', mount({ Type: 'volume', Source: 42, Target: '/d' }), ['malformed']],
  ['a mount type that is an array', mount({ Type: ['bind'], Source: '/', Target: '/h' }), ['docker_socket', 'malformed']],
  ['CapabilityAdd as a string', container({ CapabilityAdd: 'SYS_ADMIN' }), ['malformed']],
  ['driver options that are not strings', volume({ o: ['bind'], device: { path: '/' } }), ['malformed', 'malformed']],
  ['driver options as an array', volume(['type=none'] as unknown as Json), ['malformed']],
  ['Networks as a string', task({ Networks: 'host' }), ['malformed']],
  ['a network target that is a number', task({ Networks: [{ Target: 7 }] }), ['malformed']],
  ['Privileges as an array', container({ Privileges: [] }), ['malformed']],
  ['Mode as a string', { ...clean(), Mode: 'global' }, ['malformed']],
  ['ports as an object', { ...clean(), EndpointSpec: { Ports: { PublishedPort: 80 } } }, ['malformed']],
  ['an infinite grace period', container({ StopGracePeriod: Number.POSITIVE_INFINITY }), ['malformed']],
];

const Hostile = suite('checkServiceSpec: hostile input');

for (const [title, spec, rules] of hostile) {
  Hostile(`should report ${title} as malformed without throwing`, () => {
    assert.equal(rulesOf(spec), [...rules].sort());
  });
}

Hostile('should fail closed on a spec whose getter throws', () => {
  const spec = clean();
  Object.defineProperty(spec.TaskTemplate.ContainerSpec, 'Mounts', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  assert.equal(rulesOf(spec), ['malformed']);
});

Hostile('should fail closed on a Proxy that throws on every trap', () => {
  const trap = () => {
    throw new Error('boom');
  };
  const spec = new Proxy({}, { ownKeys: trap, get: trap, getOwnPropertyDescriptor: trap, has: trap, getPrototypeOf: trap });
  assert.equal(rulesOf(spec), ['malformed']);
});

Hostile('should accept a spec without a prototype', () => {
  const spec = Object.assign(Object.create(null) as Json, clean());
  assert.equal(rulesOf(spec), []);
});

Hostile('should survive a context without hostNetworks and still deny "host", and every other network', () => {
  const spec = task({ Networks: [{ Target: 'host' }, { Target: HOST_ID }] });
  const rules = checkServiceSpec(spec as DockerServiceSpec, { hostNetworks: null } as unknown as PolicyContext).map((v) => v.rule);
  assert.equal(rules, ['host_network', 'unlabelled_network']);
});

Hostile('should fail closed on an empty context: no network, no named volume, the reserved ports', () => {
  const spec = { ...container({ Mounts: [{ Type: 'volume', Source: 'workload-data', Target: '/d' }] }), EndpointSpec: { Ports: [{ TargetPort: 1, PublishedPort: 2377 }] } };
  (spec as Json).TaskTemplate.Networks = [{ Target: 'workloads' }];
  for (const ctx of [{}, null, { volumes: 'x', workloadNetworks: {}, ports: { allowed: 'all', reserved: null } }]) {
    const rules = checkServiceSpec(spec as DockerServiceSpec, ctx as unknown as PolicyContext).map((v) => v.rule);
    assert.equal(rules.sort(), ['host_port', 'unlabelled_network', 'volume_on_engine']);
  }
});

Hostile('should refuse published ports outside POLICY_PORT_RANGE, but those POLICY_ALLOWED_PORTS lists', () => {
  const ranged: PolicyContext = { ...context, ports: { reserved: [], allowed: [[8080, 8080]], range: [30000, 32767] } };
  const ports = (list: number[]) => ({ ...clean(), EndpointSpec: { Ports: list.map((p) => ({ TargetPort: 1, PublishedPort: p })) } });
  const rules = (list: number[]) => checkServiceSpec(ports(list) as DockerServiceSpec, ranged).map((v) => v.path);
  assert.equal(rules([30000, 32767, 8080, 0]), []);
  assert.equal(rules([29999, 32768, 9000, 31112]), ['EndpointSpec.Ports[0].PublishedPort', 'EndpointSpec.Ports[1].PublishedPort', 'EndpointSpec.Ports[2].PublishedPort', 'EndpointSpec.Ports[3].PublishedPort']);
});

Hostile('should survive a cyclic spec', () => {
  const spec = clean();
  spec.Labels = { self: spec };
  spec.TaskTemplate.ContainerSpec.Mounts = [{ Type: 'volume', Source: 'workload-data', Target: '/d', VolumeOptions: { Labels: spec } }];
  assert.equal(rulesOf(spec), []);
});

Hostile.run();

// ---------------------------------------------------------------------------------------------------

const allowed: Array<[title: string, spec: unknown]> = [
  ['a plain service as the engine returns it', clean()],
  ['a service with nothing but an image', { Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } } }],
  ['a tmpfs mount, even on /run', mount({ Type: 'tmpfs', Target: '/run', TmpfsOptions: { SizeBytes: 1_048_576, Mode: 0o1777, Options: [['exec']] } })],
  ['a named local volume without options', mount({ Type: 'volume', Source: 'workload-data', Target: '/data', ReadOnly: true })],
  ['a volume with the local driver and empty options', volume({})],
  ['a volume with NoCopy, labels and a clean subpath', mount({ Type: 'volume', Source: 'workload-data', Target: '/d', VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, Subpath: 'app/cache', DriverConfig: { Name: 'local' } } })],
  ['ports published in host mode', { ...clean(), EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }, { Protocol: 'udp', TargetPort: 53, PublishMode: 'ingress' }] } }],
  ['constraints, preferences and max replicas', task({ Placement: { Constraints: ['node.role==worker', 'node.labels.zone==a'], Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }], MaxReplicas: 2 } })],
  ['resources with generic resources', task({ Resources: { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 67_108_864, Pids: 100 }, Reservations: { MemoryBytes: 1024, GenericResources: [{ DiscreteResourceSpec: { Kind: 'gpu', Value: 1 } }] } } })],
  ['env, command, args, user, hostname and hosts', container({ Env: ['A=1', 'B=2'], Command: ['/bin/sh', '-c'], Args: ['echo hi'], User: 'nobody', Groups: ['users'], Hostname: 'h', Hosts: ['10.0.0.1 db'], Dir: '/app', TTY: true, OpenStdin: true, ReadOnly: true, StopSignal: 'SIGTERM' })],
  ['a healthcheck in both spellings', container({ Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9 }, HealthCheck: { Test: ['NONE'] } })],
  ['job modes', { ...clean(), Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 4 } } }],
  ['global job mode', { ...clean(), Mode: { GlobalJob: {} } }],
  ['workload networks by name and id, with aliases', task({ Networks: [{ Target: 'workloads', Aliases: ['api'] }, { Target: WORKLOADS_ID }] })],
  ['a named volume the manager holds as a plain local volume', mount({ Type: 'volume', Source: 'workload-plain', Target: '/p' })],
  ['published ports an operator allows, and ports the engine picks', { ...clean(), EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 2077 }, { TargetPort: 81, PublishedPort: 0 }, { TargetPort: 82 }] } }],
  ['labels that only look reserved', { ...container({ Labels: { 'com.example.function': 'a', functions: 'b', 'dashboardx.y': 'c' } }), Labels: { 'io.docker.x': 'y' } }],
  ['default privileges, no-new-privileges either way, dropped capabilities', container({ Privileges: { Seccomp: { Mode: 'default' }, AppArmor: { Mode: 'default' }, NoNewPrivileges: true, SELinuxContext: { Disable: false }, CredentialSpec: null }, CapabilityDrop: ['ALL'] })],
  ['NoNewPrivileges false (the default)', container({ Privileges: { NoNewPrivileges: false } })],
  ['json-file logging with rotation', task({ LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } } })],
  ['zero values of denied fields', container({ CapabilityAdd: null, Sysctls: {}, Ulimits: [], Secrets: [], Configs: null, Privileged: false, Devices: [], OomScoreAdj: 0, Isolation: '' })],
  [
    'everything ServiceInput can say, short of a bind',
    toServiceSpec({
      name: 'api', image: 'local/busybox:1', mode: 'replicated', replicas: 2, command: ['sh'], args: ['-c', 'httpd -f'],
      env: { A: '1' }, labels: { team: 'a' }, ports: [{ target: 80, published: 8080, mode: 'host' }],
      mounts: [{ type: 'volume', source: 'workload-data', target: '/data', readOnly: true }, { type: 'tmpfs', target: '/tmp' }],
      constraints: ['node.role==worker'], resources: { limits: { cpus: 0.5, memoryBytes: 1 << 26 } }, networks: ['workloads'],
    }),
  ],
  ['labels on the service and the container', { ...container({ Labels: { 'com.example.team': 'a' } }), Labels: { team: 's' } }],
];

const Allowed = suite('checkServiceSpec: allowed specs');

for (const [title, spec] of allowed) {
  Allowed(`should allow ${title}`, () => {
    assert.equal(checkServiceSpec(spec as DockerServiceSpec, context), []);
  });
}

Allowed.run();

// ---------------------------------------------------------------------------------------------------

const Enforce = suite('enforceServiceSpec');

Enforce('should return quietly for an allowed spec', () => {
  enforceServiceSpec(clean() as DockerServiceSpec, context);
});

Enforce('should throw policy_denied (403) with every violation in details', () => {
  const spec = container({ CapabilityAdd: ['SYS_ADMIN'], Sysctls: { a: 'b' } });
  try {
    enforceServiceSpec(spec as DockerServiceSpec, context);
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, AppError);
    const error = e as AppError;
    assert.is(error.code, 'policy_denied');
    assert.is(error.status, 403);
    assert.equal(error.details, checkServiceSpec(spec as DockerServiceSpec, context));
    assert.equal((error.details as Array<{ rule: string }>).map((v) => v.rule), ['capability_add', 'sysctls']);
  }
});

Enforce('should throw policy_denied for hostile input rather than crash', () => {
  assert.throws(() => enforceServiceSpec(null as unknown as DockerServiceSpec, context), (e: unknown) => e instanceof AppError && e.code === 'policy_denied');
});

Enforce.run();
