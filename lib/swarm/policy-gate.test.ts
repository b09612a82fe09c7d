import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from '../auth/authenticator.ts';
import { AppError } from '../errors.ts';
import { createPolicyGate } from './policy-gate.ts';
import type { DockerServiceSpec, ServiceDetail, Swarm } from './swarm.ts';

const user: Principal = { username: 'dev', permissions: ['services.write'] };
const admin: Principal = { username: 'root', permissions: ['services.write', 'services.privileged'] };
const bind: DockerServiceSpec = { Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'i', Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] } } };
const plain: DockerServiceSpec = { Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'i' } } };
const detail = (spec: DockerServiceSpec, previousSpec?: DockerServiceSpec) =>
  ({ service: { id: 's1', name: 'x', version: 3, spec, ...(previousSpec ? { previousSpec } : {}) }, tasks: [] }) as unknown as ServiceDetail;

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

const test = suite('the policy gate');

test('should judge create, change and rollback specs for users without services.privileged', async () => {
  let reads = 0;
  const gate = createPolicyGate({ hostNetworks: async () => (reads++, ['host']) });
  assert.is(await codeOf(gate.admitSpec(user, bind)), 'policy_denied');
  assert.is(await codeOf(gate.admitChange(user, detail(plain), bind)), 'policy_denied');
  assert.is(await codeOf(gate.admitRollback(user, detail(plain, bind))), 'policy_denied');
  assert.is(await codeOf(gate.admitSpec(user, { ...plain, Networks: [{ Target: 'host' }] })), 'policy_denied');
  assert.equal(await gate.admitSpec(user, plain), plain);
  assert.ok(reads >= 4, 'the engine was asked which networks are host networks');
});

test('should admit anything for services.privileged without asking the engine', async () => {
  const gate = createPolicyGate({ hostNetworks: async () => assert.unreachable('no engine read') as never });
  assert.equal(await gate.admitSpec(admin, bind), bind);
  assert.equal(await gate.admitRollback(admin, detail(plain, bind)), bind);
});

test('should refuse a rollback without a previous spec', async () => {
  const gate = createPolicyGate({ hostNetworks: async () => [] });
  assert.is(await codeOf(gate.admitRollback(admin, detail(plain))), 'no_previous_spec');
});

test('should be the only way to a spec the Swarm port accepts (checked by the compiler)', async () => {
  const swarm = {} as Swarm;
  const gate = createPolicyGate({ hostNetworks: async () => [] });
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
