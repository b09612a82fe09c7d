import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from '../auth/authenticator.ts';
import { AppError } from '../errors.ts';
import { createPolicyGate, networkContext, type PolicyReads } from './policy-gate.ts';
import type { DockerServiceSpec, NetworkSummary, ServiceDetail, Swarm, VolumeSummary } from './swarm.ts';

const user: Principal = { username: 'dev', permissions: ['services.write'] };
const admin: Principal = { username: 'root', permissions: ['services.write', 'services.privileged'] };
const bind: DockerServiceSpec = { Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'i', Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] } } };
const plain: DockerServiceSpec = { Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'i' } } };
const withVolume = (source: string): DockerServiceSpec => ({ Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'i', Mounts: [{ Type: 'volume', Source: source, Target: '/v' }] } } });
const onNetwork = (target: string): DockerServiceSpec => ({ Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'i' }, Networks: [{ Target: target }] } });
const labelled = (labels: Record<string, string>): DockerServiceSpec => ({ ...plain, Labels: labels });
const publishing = (port: number): DockerServiceSpec => ({ ...plain, EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: port }] } });
const detail = (spec: DockerServiceSpec, previousSpec?: DockerServiceSpec) =>
  ({ service: { id: 's1', name: 'x', version: 3, spec, ...(previousSpec ? { previousSpec } : {}) }, tasks: [] }) as unknown as ServiceDetail;

const network = (id: string, name: string, driver: string, labels: Record<string, string> = {}): NetworkSummary => ({ id, name, driver, scope: 'swarm', labels });
const NETWORKS: NetworkSummary[] = [
  network('hostid', 'host', 'host'),
  network('noneid', 'none', 'null'),
  network('wl1', 'apps', 'overlay', { 'dashboard.workloads': 'true' }),
  network('plain1', 'backend', 'overlay'),
  network('wl2', 'backend', 'overlay', { 'dashboard.workloads': 'true' }),
  network('wl3', 'off', 'overlay', { 'dashboard.workloads': 'false' }),
];
const volume = (name: string, driver: string, options: Record<string, string> = {}): VolumeSummary => ({ name, driver, options, labels: {}, scope: 'local' });
const VOLUMES: Record<string, VolumeSummary> = {
  'workload-etc': volume('workload-etc', 'local', { type: 'none', o: 'bind', device: '/etc' }),
  'workload-plain': volume('workload-plain', 'local'),
  'workload-nfs': volume('workload-nfs', 'someone/nfs'),
};

/** The engine's answers, recorded: which volumes the gate asked about. */
function engine(): PolicyReads & { asked: string[]; networkReads: number } {
  const reads = {
    asked: [] as string[],
    networkReads: 0,
    async listNetworks() {
      reads.networkReads++;
      return NETWORKS;
    },
    async inspectVolume(name: string) {
      reads.asked.push(name);
      return VOLUMES[name] ?? null;
    },
  };
  return reads;
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));
const rulesOf = (p: Promise<unknown>) =>
  p.then(
    () => [],
    (e: unknown) => (e instanceof AppError ? (e.details as Array<{ rule: string }>).map((d) => d.rule) : [String(e)]),
  );

const test = suite('the policy gate');

test('should judge create, change and rollback specs for users without services.privileged', async () => {
  const reads = engine();
  const gate = createPolicyGate(reads);
  assert.is(await codeOf(gate.admitSpec(user, bind)), 'policy_denied');
  assert.is(await codeOf(gate.admitChange(user, detail(plain), bind)), 'policy_denied');
  assert.is(await codeOf(gate.admitRollback(user, detail(plain, bind))), 'policy_denied');
  assert.is(await codeOf(gate.admitSpec(user, onNetwork('host'))), 'policy_denied');
  assert.equal(await gate.admitSpec(user, plain), plain);
  assert.ok(reads.networkReads >= 4, 'the engine was asked for its networks');
});

test('should let a scoped services.privileged pass the policy only for services its scope matches, as they are and become', async () => {
  const gate = createPolicyGate(engine());
  const scoped = { username: 'ops', permissions: ['services.write', 'services.privileged:name=ops-*'] } as unknown as Principal;
  const named = (spec: DockerServiceSpec, name: string): DockerServiceSpec => ({ ...spec, Name: name });
  assert.equal(await gate.admitSpec(scoped, named(bind, 'ops-agent')), named(bind, 'ops-agent'));
  assert.is(await codeOf(gate.admitSpec(scoped, named(bind, 'web'))), 'policy_denied');
  assert.is(await codeOf(gate.admitChange(scoped, detail(named(plain, 'web')), named(bind, 'web'))), 'policy_denied');
  assert.is(await codeOf(gate.admitChange(scoped, detail(named(bind, 'web')), named(plain, 'web'))), 'policy_denied');
  assert.equal(await gate.admitChange(scoped, detail(named(plain, 'ops-agent')), named(bind, 'ops-agent')), named(bind, 'ops-agent'));
});

test('should admit anything for services.privileged without asking the engine', async () => {
  const never = async () => assert.unreachable('no engine read') as never;
  const gate = createPolicyGate({ listNetworks: never, inspectVolume: never });
  assert.equal(await gate.admitSpec(admin, bind), bind);
  assert.equal(await gate.admitRollback(admin, detail(plain, bind)), bind);
  assert.equal(await gate.admitChange(admin, detail(bind), bind), bind);
  assert.equal(await gate.admitService(admin, detail(bind)), { id: 's1', version: 3 });
});

test('should refuse a rollback without a previous spec', async () => {
  const gate = createPolicyGate(engine());
  assert.is(await codeOf(gate.admitRollback(admin, detail(plain))), 'no_previous_spec');
  assert.is(await codeOf(gate.admitRollback(user, detail(plain))), 'no_previous_spec');
});

test('should inspect each named volume on the engine and refuse one that is a bind or has another driver', async () => {
  const reads = engine();
  const gate = createPolicyGate(reads);
  assert.equal(await rulesOf(gate.admitSpec(user, withVolume('workload-etc'))), ['volume_on_engine']);
  assert.equal(await rulesOf(gate.admitSpec(user, withVolume('workload-nfs'))), ['volume_on_engine']);
  assert.equal(await rulesOf(gate.admitSpec(user, withVolume('etc'))), ['volume_namespace']);
  assert.equal(await gate.admitSpec(user, withVolume('workload-plain')), withVolume('workload-plain'));
  assert.equal(await gate.admitSpec(user, withVolume('workload-new')), withVolume('workload-new'));
  assert.equal(reads.asked, ['workload-etc', 'workload-nfs', 'etc', 'workload-plain', 'workload-new']);
  // An update that adds the volume, and one whose current spec holds it, are refused alike.
  assert.equal(await rulesOf(gate.admitChange(user, detail(plain), withVolume('workload-etc'))), ['volume_on_engine']);
  assert.equal(await rulesOf(gate.admitChange(user, detail(withVolume('workload-etc')), plain)), ['privileged_service', 'volume_on_engine']);
});

test('should let specs join only networks labelled dashboard.workloads=true, by full id or an unambiguous name', async () => {
  const gate = createPolicyGate(engine());
  assert.equal(await gate.admitSpec(user, onNetwork('apps')), onNetwork('apps'));
  assert.equal(await gate.admitSpec(user, onNetwork('wl1')), onNetwork('wl1'));
  assert.equal(await gate.admitSpec(user, onNetwork('wl2')), onNetwork('wl2'));
  for (const target of ['backend', 'plain1', 'off', 'wl', 'none', 'noneid']) {
    assert.is(await codeOf(gate.admitSpec(user, onNetwork(target))), 'policy_denied', target);
  }
  assert.equal(networkContext(NETWORKS), { hostNetworks: ['hostid', 'host', 'noneid', 'none'], workloadNetworks: ['wl1', 'apps', 'wl2'] });
});

test('should refuse reserved labels and reserved published ports, unless the operator allows the port', async () => {
  const gate = createPolicyGate(engine(), { reservedPorts: [8080], allowedPorts: [[80, 80], [7946, 7946]] });
  const reserved: Array<Record<string, string>> = [{ 'dashboard.system': 'true' }, { function: 'x' }, { 'com.openfaas.health': 'x' }, { 'com.docker.stack.namespace': 's' }];
  for (const labels of reserved) {
    assert.equal(await rulesOf(gate.admitSpec(user, labelled(labels))), ['reserved_label'], JSON.stringify(labels));
  }
  for (const port of [22, 443, 1023, 2375, 2376, 2377, 4789, 8080]) assert.equal(await rulesOf(gate.admitSpec(user, publishing(port))), ['host_port'], String(port));
  for (const port of [80, 7946, 1024, 30080]) assert.equal(await gate.admitSpec(user, publishing(port)), publishing(port), String(port));
  assert.equal(await gate.admitSpec(admin, publishing(22)), publishing(22));
});

test('should refuse to update, scale, restart, roll back or delete a service whose current spec needs services.privileged', async () => {
  const gate = createPolicyGate(engine());
  for (const current of [bind, labelled({ 'dashboard.system': 'true' }), withVolume('workload-etc'), publishing(2377)]) {
    const rules = await rulesOf(gate.admitChange(user, detail(current), current));
    assert.is(rules[0], 'privileged_service');
    assert.is(await codeOf(gate.admitService(user, detail(current))), 'policy_denied');
    assert.is(await codeOf(gate.admitRollback(user, detail(current, plain))), 'policy_denied');
  }
  // The operator may, and anyone may operate a plain service.
  assert.equal(await gate.admitService(admin, detail(bind)), { id: 's1', version: 3 });
  assert.equal(await gate.admitService(user, detail(plain)), { id: 's1', version: 3 });
  assert.equal(await gate.admitRollback(user, detail(plain, onNetwork('apps'))), onNetwork('apps'));
});

test('should fail closed when the engine does not answer', async () => {
  const down = async () => {
    throw new AppError('swarm_unavailable', 'down');
  };
  const gate = createPolicyGate({ listNetworks: down, inspectVolume: down });
  assert.is(await codeOf(gate.admitSpec(user, plain)), 'swarm_unavailable');
  assert.is(await codeOf(gate.admitService(user, detail(plain))), 'swarm_unavailable');
});

test('should be the only way to a spec the Swarm port accepts (checked by the compiler)', async () => {
  const swarm = {} as Swarm;
  const gate = createPolicyGate(engine());
  const compileOnly = (run: boolean) => {
    if (!run) return;
    // @ts-expect-error a spec the gate did not admit does not compile
    void swarm.createService(plain);
    // @ts-expect-error nor for an update
    void swarm.updateService('s1', 1, plain);
    // @ts-expect-error nor for a rollback
    void swarm.rollbackService('s1', 1, plain);
    // @ts-expect-error nor a removal without the gate's verdict on the service
    void swarm.removeService('s1');
  };
  compileOnly(false);
  // What the gate returns is accepted (type-level: these lines must compile).
  const admitted = await gate.admitSpec(admin, plain);
  const accepts: Parameters<Swarm['createService']>[0] = admitted;
  assert.equal(accepts, plain);
});

test.run();
