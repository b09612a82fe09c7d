import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { auditEvent } from './audit.ts';

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

audit.run();
