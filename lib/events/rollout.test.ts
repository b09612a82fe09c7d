import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { auditEvent } from './audit.ts';
import {
  decideOutcome, linksOf, observationFromEvent, observationOf, outcomeEvent, outcomeId, rolloutEvent, type RolloutObservation,
} from './rollout.ts';

const obs = (over: Partial<RolloutObservation>): RolloutObservation => ({
  service: 's1', name: 'web', version: 10, state: '', message: '', running: 1, desired: 1, settled: false, ...over,
});
const link = { service: 's1', name: 'web', version: 10 };
const T0 = 1_000_000_000_000n;
const DEADLINE = 600_000_000_000n;

const decide = suite('decideOutcome');

decide('should take the settled observation with the lowest version at or after the write', () => {
  const seen = [obs({ version: 12, state: 'completed', settled: true }), obs({ version: 11, state: 'paused', settled: true, message: 'update paused' }), obs({ version: 9, state: 'completed', settled: true })];
  const d = decideOutcome(link, 'service.update', T0, seen, [], T0 + 1n, DEADLINE);
  assert.is(d?.outcome, 'paused');
  assert.is(d?.observation?.message, 'update paused');
});

decide('should map the engine states to outcomes, a requested rollback completing as completed', () => {
  const one = (state: string, action = 'service.update') => decideOutcome(link, action, T0, [obs({ state, settled: true })], [], T0, DEADLINE)?.outcome;
  assert.is(one('completed'), 'completed');
  assert.is(one('rollback_completed'), 'rolled_back');
  assert.is(one('rollback_completed', 'service.rollback'), 'completed');
  assert.is(one('rollback_paused'), 'rollback_paused');
  assert.is(one('removed'), 'removed');
  assert.is(one(''), 'completed');
});

decide('should wait while unsettled, then say past_deadline with the last state seen', () => {
  const seen = [obs({ version: 11, state: 'updating' }), obs({ version: 12, state: 'updating', running: 0 })];
  assert.is(decideOutcome(link, 'service.update', T0, seen, [], T0 + DEADLINE - 1n, DEADLINE), null);
  const d = decideOutcome(link, 'service.update', T0, seen, [], T0 + DEADLINE, DEADLINE);
  assert.is(d?.outcome, 'past_deadline');
  assert.is(d?.observation?.version, 12);
});

decide('should call a rollout superseded when a later write came before it settled, and leave that write its states', () => {
  const seen = [obs({ version: 11, state: 'updating' }), obs({ version: 15, state: 'completed', settled: true })];
  assert.is(decideOutcome(link, 'service.update', T0, seen, [14], T0, DEADLINE)?.outcome, 'superseded');
  assert.is(decideOutcome({ ...link, version: 14 }, 'service.update', T0, seen, [10], T0, DEADLINE)?.outcome, 'completed');
});

decide('should ignore other services and observations before the write', () => {
  const seen = [obs({ service: 's2', state: 'completed', settled: true }), obs({ version: 9, state: 'completed', settled: true })];
  assert.is(decideOutcome(link, 'service.update', T0, seen, [], T0, DEADLINE), null);
});

decide.run();

const events = suite('rollout and outcome events');

events('should read an engine service with its UpdateStatus, settled only on a final state', () => {
  const raw = {
    ID: 's1', Version: { Index: 42 }, Spec: { Name: 'web' },
    UpdateStatus: { State: 'rollback_paused', Message: 'rollback paused' }, ServiceStatus: { RunningTasks: 0, DesiredTasks: 2 },
  };
  assert.equal(observationOf(raw), { service: 's1', name: 'web', version: 42, state: 'rollback_paused', message: 'rollback paused', running: 0, desired: 2, settled: true });
  assert.is(observationOf({ ...raw, UpdateStatus: undefined })?.settled, false);
  assert.is(observationOf({}), null);
});

events('should give one id to one observation whoever sees it, and read it back', () => {
  const o = obs({ state: 'completed', settled: true });
  const a = rolloutEvent(o, 5n, 'node-a');
  const b = rolloutEvent(o, 7n, 'node-b');
  assert.is(a.id, b.id);
  assert.is.not(rolloutEvent({ ...o, running: 0 }, 5n).id, a.id);
  assert.is(a.type, 'rollout');
  assert.is(a.action, 'completed');
  assert.equal(observationFromEvent(a), o);
});

events('should link only successful service writes that name their rollouts', () => {
  const rollouts = [{ service: 's1', name: 'web', version: 10 }];
  const base = { actor: 'alice', action: 'service.update', target: { type: 'service', id: 's1' }, result: 'success' as const, rollouts };
  assert.equal(linksOf(auditEvent(base)), rollouts);
  assert.equal(linksOf(auditEvent({ ...base, result: 'failure' })), []);
  assert.equal(linksOf(auditEvent({ ...base, action: 'user.grant' })), []);
  assert.equal(linksOf(auditEvent({ ...base, rollouts: undefined })), []);
});

events('should record the outcome against the audit entry, one id per entry and service', () => {
  const audit = auditEvent({ actor: 'alice', action: 'service.update', target: { type: 'service', id: 's1' }, result: 'success', rollouts: [link], timeNano: T0 });
  const o = obs({ version: 12, state: 'paused', message: 'update paused due to failure', settled: true, running: 0 });
  const e = outcomeEvent(audit, link, { outcome: 'paused', observation: o }, T0 + 5n);
  assert.is(e.id, outcomeId(audit.id, 's1'));
  assert.is(e.type, 'audit');
  assert.is(e.action, 'service.outcome');
  assert.is(e.actor.id, 'alice');
  assert.equal(e.actor.attributes, {
    username: 'alice', audit: audit.id, 'audit.action': 'service.update', target: 'service:s1', 'target.type': 'service', 'target.id': 's1',
    outcome: 'paused', version: '10', service: 'web', state: 'paused', message: 'update paused due to failure', running: '0', desired: '1', 'observed.version': '12',
  });
});

events.run();
