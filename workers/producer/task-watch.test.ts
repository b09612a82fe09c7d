import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { observe, emptySnapshot } from './resync.ts';
import { taskChanges, taskEventOf } from '../../lib/events/task-event.ts';

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

const changes = suite('task changes');

changes('should emit only states the snapshot has not seen, and nothing again after a restart', () => {
  const snapshot = emptySnapshot();
  const first = taskChanges([raw('running', '2024-05-01T10:00:00Z')], names, snapshot.task ?? {});
  assert.is(first.length, 1);
  observe(snapshot, first);
  const restored = structuredClone(snapshot);
  assert.equal(taskChanges([raw('running', '2024-05-01T10:00:00Z')], names, restored.task ?? {}), []);
  const next = taskChanges([raw('failed', '2024-05-01T10:00:05Z')], names, restored.task ?? {});
  assert.equal(next.map((e) => e.action), ['failed']);
});

changes('should not let a late older state hide a newer one', () => {
  const snapshot = emptySnapshot();
  const failed = taskEventOf(raw('failed', '2024-05-01T10:00:05Z'), names)!;
  const running = taskEventOf(raw('running', '2024-05-01T10:00:00Z'), names)!;
  observe(snapshot, [failed]);
  observe(snapshot, [running]);
  assert.equal(taskChanges([raw('failed', '2024-05-01T10:00:05Z')], names, snapshot.task ?? {}), []);
});

changes('should forget the tasks of a removed service', () => {
  const snapshot = emptySnapshot();
  observe(snapshot, [taskEventOf(raw('running', '2024-05-01T10:00:00Z'), names)!]);
  observe(snapshot, [{ id: 'x', time: '', timeNano: '1714557700000000000', type: 'service', action: 'remove', actor: { id: 'svc1', attributes: {} }, scope: 'swarm' }]);
  assert.equal(snapshot.task, {});
});

changes.run();
