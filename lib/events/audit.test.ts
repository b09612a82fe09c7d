import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { auditEvent, redactChange } from './audit.ts';

const audit = suite('auditEvent');

const input = {
  actor: 'alice',
  action: 'service.update',
  target: { type: 'service', id: 's1' },
  before: { replicas: 1 },
  after: { replicas: 3 },
  result: 'success' as const,
  timeNano: 1700000000000000001n,
};

audit('should build an audit-scoped event with string attributes', () => {
  const e = auditEvent({ ...input, nonce: 'n', node: 'node-1' });
  assert.is(e.scope, 'audit');
  assert.is(e.type, 'audit');
  assert.is(e.action, 'service.update');
  assert.is(e.actor.id, 'alice');
  assert.is(e.timeNano, '1700000000000000001');
  assert.is(e.time, '2023-11-14T22:13:20.000000001Z');
  assert.is(e.node, 'node-1');
  assert.equal(e.actor.attributes, {
    username: 'alice',
    target: 'service:s1',
    'target.type': 'service',
    'target.id': 's1',
    result: 'success',
    before: '{"replicas":1}',
    after: '{"replicas":3}',
  });
  for (const v of Object.values(e.actor.attributes)) assert.type(v, 'string');
});

audit('should keep the id for the same nonce and change it otherwise', () => {
  assert.is(auditEvent({ ...input, nonce: 'n' }).id, auditEvent({ ...input, nonce: 'n' }).id);
  assert.is.not(auditEvent(input).id, auditEvent(input).id);
});

audit('should record failures with their error and default the time to now', () => {
  const before = BigInt(Date.now()) * 1_000_000n;
  const e = auditEvent({ actor: 'bob', action: 'user.grant', target: { type: 'user', id: 'carol' }, result: 'failure', error: 'forbidden' });
  assert.is(e.actor.attributes.result, 'failure');
  assert.is(e.actor.attributes.error, 'forbidden');
  assert.not.ok('before' in e.actor.attributes);
  assert.ok(BigInt(e.timeNano) >= before);
});

audit('should store whole specs without environment values, keeping names and whether each changed', () => {
  const spec = (env: string[]) => ({ Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'i', Env: env, Mounts: [{ Type: 'tmpfs', Target: '/t' }] } } });
  const e = auditEvent({
    ...input,
    before: spec(['DB_PASSWORD=old-s3cr3t', 'KEPT=same-s3cr3t', 'GONE=gone-s3cr3t']),
    after: spec(['DB_PASSWORD=new-s3cr3t', 'KEPT=same-s3cr3t', 'ADDED=added-s3cr3t', 'PASSTHROUGH']),
  });
  const before = JSON.parse(e.actor.attributes.before!);
  const after = JSON.parse(e.actor.attributes.after!);
  assert.not.match(JSON.stringify(e), /s3cr3t/);
  assert.equal(before.TaskTemplate.ContainerSpec.Env, ['DB_PASSWORD=(hidden)', 'KEPT=(hidden)', 'GONE=(hidden)']);
  assert.equal(after.TaskTemplate.ContainerSpec.Env, ['DB_PASSWORD=(changed)', 'KEPT=(unchanged)', 'ADDED=(changed)', 'PASSTHROUGH']);
  // Everything else of the spec is kept as it was.
  assert.equal({ ...after, TaskTemplate: { ContainerSpec: { ...after.TaskTemplate.ContainerSpec, Env: [] } } }, spec([]));
});

audit('should redact a create (no before), ServiceInput env maps and secret or config data anywhere', () => {
  const created = auditEvent({ ...input, before: undefined, after: { TaskTemplate: { ContainerSpec: { Env: ['A=s3cr3t'] } } } });
  assert.equal(JSON.parse(created.actor.attributes.after!), { TaskTemplate: { ContainerSpec: { Env: ['A=(changed)'] } } });
  assert.not.ok('before' in created.actor.attributes);
  assert.equal(redactChange({ env: { A: 's3cr3t', B: 'x' } }, { env: { A: 's3cr3t', B: 'y' } }), [{ env: { A: '(hidden)', B: '(hidden)' } }, { env: { A: '(unchanged)', B: '(changed)' } }]);
  assert.equal(redactChange(undefined, { name: 'db', data: 'czNjcjN0', nested: [{ Data: 'x' }] }), [undefined, { name: 'db', data: '(hidden)', nested: [{ Data: '(hidden)' }] }]);
  assert.equal(redactChange({ replicas: 1 }, { replicas: 3 }), [{ replicas: 1 }, { replicas: 3 }]);
  // A value of another shape, or an Env that is not a list, still hides what it holds.
  assert.equal(redactChange({ Env: 's3cr3t' }, [{ Env: { A: 's3cr3t' } }]), [{ Env: '(hidden)' }, [{ Env: { A: '(changed)' } }]]);
});

audit.run();
