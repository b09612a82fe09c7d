import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../types.ts';
import { auditDiff, describeOutcome, outcomesOf, specDiff, startedRollouts } from './audit.ts';

const audit = (id: string, attributes: Record<string, string>, action = 'service.update'): Event => ({
  id,
  time: '2026-12-02T10:00:00.000000000Z',
  timeNano: '1796205600000000000',
  type: 'audit',
  action,
  actor: { id: 'alice', attributes: { username: 'alice', result: 'success', ...attributes } },
  scope: 'audit',
});

const diff = suite('specDiff');

diff('should list changed, added and removed leaves by path', () => {
  const before = { TaskTemplate: { ContainerSpec: { Image: 'a:1', Args: ['x'] } }, Labels: { team: 'web' }, Mode: { Replicated: { Replicas: 1 } } };
  const after = { TaskTemplate: { ContainerSpec: { Image: 'a:2', Args: ['x', 'y'] } }, Labels: {}, Mode: { Replicated: { Replicas: 1 } }, UpdateConfig: { Monitor: 5 } };
  assert.equal(specDiff(before, after), [
    { path: 'Labels.team', kind: 'removed', before: 'web' },
    { path: 'TaskTemplate.ContainerSpec.Args[1]', kind: 'added', after: 'y' },
    { path: 'TaskTemplate.ContainerSpec.Image', kind: 'changed', before: 'a:1', after: 'a:2' },
    { path: 'UpdateConfig', kind: 'added', after: '{"Monitor":5}' },
  ]);
  assert.equal(specDiff(before, structuredClone(before)), []);
});

diff('should compare environments by name and keep the redaction marks, never a value', () => {
  const before = { Env: ['A=(hidden)', 'B=(hidden)', 'C=(hidden)'] };
  const after = { Env: ['A=(unchanged)', 'B=(changed)', 'D=(changed)'] };
  assert.equal(specDiff(before, after), [
    { path: 'Env.B', kind: 'changed', before: '(hidden)', after: '(changed)' },
    { path: 'Env.D', kind: 'added', after: '(changed)' },
    { path: 'Env.C', kind: 'removed', before: '(hidden)' },
  ]);
});

diff('should read the diff of an audit event, or none without before and after', () => {
  const e = audit('a1', { before: JSON.stringify({ replicas: 1 }), after: JSON.stringify({ replicas: 3 }) }, 'service.scale');
  assert.equal(auditDiff(e), [{ path: 'replicas', kind: 'changed', before: '1', after: '3' }]);
  assert.equal(auditDiff(audit('a2', { after: JSON.stringify({ Name: 'web' }) }, 'service.create')), [{ path: 'Name', kind: 'added', after: 'web' }]);
  assert.is(auditDiff(audit('a3', {}, 'service.restart')), null);
});

diff.run();

const outcomes = suite('outcomesOf');

outcomes('should find the outcome records of one audit entry, one per service', () => {
  const write = audit('w1', { rollouts: '[{"service":"s1","version":10}]' });
  const outcome = (id: string, auditId: string, attrs: Record<string, string>) => ({ ...audit(id, { audit: auditId, 'target.id': 's1', ...attrs }, 'service.outcome') });
  const events = [
    write,
    outcome('o1', 'w1', { service: 'web', outcome: 'paused', state: 'paused', message: 'update paused due to failure' }),
    outcome('o2', 'other', { service: 'web', outcome: 'completed' }),
    outcome('o3', 'w1', { service: 'db', outcome: 'completed', state: 'completed' }),
  ];
  assert.equal(outcomesOf(write, events), [
    { service: 'db', outcome: 'completed', state: 'completed', time: write.time },
    { service: 'web', outcome: 'paused', state: 'paused', message: 'update paused due to failure', time: write.time },
  ]);
  assert.equal(outcomesOf(audit('w2', {}), events), []);
  assert.ok(startedRollouts(write));
  assert.not.ok(startedRollouts(audit('w2', {})));
});

outcomes('should put outcomes into words', () => {
  assert.equal(describeOutcome('completed'), { label: 'completed', ok: true });
  assert.equal(describeOutcome('rolled_back'), { label: 'rolled back', ok: false });
  assert.equal(describeOutcome('past_deadline'), { label: 'still running after its deadline', ok: false });
  assert.equal(describeOutcome('new_thing'), { label: 'new_thing', ok: false });
});

outcomes.run();
