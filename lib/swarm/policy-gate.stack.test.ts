/**
 * The gate's parts for contract 1.1: secrets and configs attach only for callers who may read them, and the
 * stack label is the gate's to add (admitStackSpec), to keep (admitChange) but never the user's to add or change.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from '../auth/authenticator.ts';
import { isAppError } from '../errors.ts';
import type { Permission } from '../permissions.ts';
import { createPolicyGate, STACK_LABEL, type PolicyReads } from './policy-gate.ts';
import type { DockerServiceSpec, ServiceDetail, SwarmObject } from './swarm.ts';

const object = (id: string, name: string): SwarmObject => ({ id, name, labels: {}, createdAt: '', updatedAt: '', version: 1 });
const reads: PolicyReads = {
  listNetworks: async () => [],
  inspectVolume: async () => null,
  listSecrets: async () => [object('sec1', 'db.v1')],
  listConfigs: async () => [object('cfg1', 'app.v1')],
};
const gate = createPolicyGate(reads);
const dev = (...extra: Permission[]): Principal => ({ username: 'dev', permissions: ['services.write', ...extra] });
const spec = (container: Record<string, unknown>, labels: Record<string, string> = {}): DockerServiceSpec => ({ Name: 'x', Labels: labels, TaskTemplate: { ContainerSpec: { Image: 'i', ...container } } });
const detail = (s: DockerServiceSpec) => ({ service: { id: 's1', name: 'x', version: 3, spec: s }, tasks: [] }) as unknown as ServiceDetail;
const withSecret = (id: string) => spec({ Secrets: [{ SecretID: id, SecretName: 'db.v1', File: { Name: 'db', UID: '0', GID: '0', Mode: 292 } }] });

async function rules(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
    return [];
  } catch (error) {
    if (isAppError(error) && error.code === 'policy_denied') return (error.details as Array<{ rule: string }>).map((d) => d.rule);
    throw error;
  }
}

const Attach = suite('policy gate: secrets and configs');

Attach('should let a caller holding secrets.read attach an existing secret, and nobody else', async () => {
  assert.equal(await rules(gate.admitSpec(dev('secrets.read'), withSecret('sec1'))), []);
  assert.equal(await rules(gate.admitSpec(dev(), withSecret('sec1'))), ['secrets']);
  assert.equal(await rules(gate.admitSpec(dev('secrets.read'), withSecret('unknown'))), ['secrets']);
});

Attach('should refuse a config with a runtime target even with configs.read', async () => {
  const s = spec({ Configs: [{ ConfigID: 'cfg1', ConfigName: 'app.v1', Runtime: {} }] });
  assert.equal(await rules(gate.admitSpec(dev('configs.read'), s)), ['configs']);
  const file = spec({ Configs: [{ ConfigID: 'cfg1', ConfigName: 'app.v1', File: { Name: '/app' } }] });
  assert.equal(await rules(gate.admitSpec(dev('configs.read'), file)), []);
});

Attach.run();

const Stack = suite('policy gate: the stack label');

Stack('should add the stack label itself, to the service and its containers', async () => {
  const admitted = (await gate.admitStackSpec(dev(), { stack: 'shop' }, spec({}))) as any;
  assert.is(admitted.Labels[STACK_LABEL], 'shop');
  assert.is(admitted.TaskTemplate.ContainerSpec.Labels[STACK_LABEL], 'shop');
});

Stack('should refuse the label from the user, and a service of another stack', async () => {
  assert.equal(await rules(gate.admitSpec(dev(), spec({}, { [STACK_LABEL]: 'shop' }))), ['reserved_label']);
  const other = detail(spec({}, { [STACK_LABEL]: 'other' }));
  assert.equal(await rules(gate.admitStackSpec(dev(), { stack: 'shop' }, spec({}), other)), ['privileged_service']);
});

Stack('should let an update keep the label the service carries, but not change it', async () => {
  const current = detail(spec({}, { [STACK_LABEL]: 'shop' }));
  assert.equal(await rules(gate.admitChange(dev(), current, spec({ Args: ['x'] }, { [STACK_LABEL]: 'shop' }))), []);
  assert.equal(await rules(gate.admitChange(dev(), current, spec({}, { [STACK_LABEL]: 'other' }))), ['reserved_label']);
  // Still reserved on a service that had none.
  assert.equal(await rules(gate.admitChange(dev(), detail(spec({})), spec({}, { [STACK_LABEL]: 'shop' }))), ['reserved_label']);
});

Stack('should admit only plain overlay networks for a non-privileged user, labelling them as the gate vouches', async () => {
  const n = await gate.admitNetwork(dev(), 'shop', { name: 'shop_net', driver: 'overlay', labels: {} });
  assert.equal(n.labels, { [STACK_LABEL]: 'shop', 'dashboard.workloads': 'true' });
  assert.equal(await rules(gate.admitNetwork(dev(), 'shop', { name: 'shop_m', driver: 'macvlan', labels: {}, options: { parent: 'eth0' } })), ['network_driver_options']);
  assert.equal(await rules(gate.admitNetwork(dev(), 'shop', { name: 'shop_l', driver: 'overlay', labels: { 'dashboard.workloads': 'true' } })), ['reserved_label']);
});

Stack.run();
