import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { taskEventId, taskEventOf } from './task-event.ts';

const raw = (state: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  ID: 'task1',
  ServiceID: 'svc1',
  NodeID: 'node1',
  Slot: 1,
  DesiredState: 'shutdown',
  Status: { State: state, Timestamp: timestamp, Message: 'started', Err: state === 'failed' ? 'task: non-zero exit (3)' : '', ContainerStatus: { ExitCode: 3 } },
  ...extra,
});
const names = new Map([['svc1', 'web']]);

const ids = suite('task event ids');

ids('should derive the same id for the same change, whichever node derives it', () => {
  const a = taskEventOf(raw('failed', '2024-05-01T10:00:00.123456789Z'), names, 'node-a')!;
  const b = taskEventOf(raw('failed', '2024-05-01T10:00:00.123456789Z'), new Map(), 'node-b')!;
  assert.is(a.id, b.id);
  assert.is(a.id, taskEventId('task1', 'failed', '1714557600123456789'));
});

ids('should give another id to another state or another timestamp', () => {
  const a = taskEventOf(raw('failed', '2024-05-01T10:00:00Z'), names)!;
  assert.is.not(a.id, taskEventOf(raw('running', '2024-05-01T10:00:00Z'), names)!.id);
  assert.is.not(a.id, taskEventOf(raw('failed', '2024-05-01T10:00:01Z'), names)!.id);
  assert.is.not(a.id, taskEventOf(raw('failed', '2024-05-01T10:00:00Z', { ID: 'task2' }), names)!.id);
});

ids('should carry the service, node, slot, states, message, error and exit code', () => {
  const e = taskEventOf(raw('failed', '2024-05-01T10:00:00Z'), names)!;
  assert.equal(
    { type: e.type, action: e.action, scope: e.scope, actor: e.actor.id, timeNano: e.timeNano },
    { type: 'task', action: 'failed', scope: 'swarm', actor: 'task1', timeNano: '1714557600000000000' },
  );
  assert.equal(e.actor.attributes, {
    serviceId: 'svc1', serviceName: 'web', nodeId: 'node1', slot: '1', state: 'failed', desiredState: 'shutdown',
    message: 'started', error: 'task: non-zero exit (3)', exitCode: '3',
  });
  assert.not.ok('exitCode' in taskEventOf(raw('running', '2024-05-01T10:00:00Z'), names)!.actor.attributes);
});

ids('should skip tasks without an id or a readable timestamp', () => {
  assert.is(taskEventOf(raw('failed', 'yesterday', { UpdatedAt: undefined }), names), null);
  assert.is(taskEventOf({ Status: { State: 'running', Timestamp: '2024-05-01T10:00:00Z' } }, names), null);
});

ids.run();
