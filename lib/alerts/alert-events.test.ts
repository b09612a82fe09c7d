import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromDockerEvent } from '../events/docker-event.ts';
import type { Event } from '../events/event.ts';
import { createAlertDeriver } from './alert-events.ts';

let t = 1_767_225_600_000_000_000n;
/** An event as the engine sends it on /events, through the same conversion the producer uses. */
const engine = (Type: string, Action: string, ID: string, Attributes: Record<string, string>, scope = 'local'): Event =>
  fromDockerEvent({ Type, Action, Actor: { ID, Attributes }, scope, timeNano: String((t += 1_000_000n)) }, 'node-a')!;

const taskLabels = (service: string, stack?: string) => ({
  'com.docker.swarm.task.id': 'task1',
  'com.docker.swarm.service.name': service,
  'com.docker.swarm.node.id': 'node-a',
  ...(stack ? { 'com.docker.stack.namespace': stack } : {}),
  image: 'local/busybox:1',
});

const derive = suite('createAlertDeriver');

derive('should see a task failure in a non-zero die of a task container', () => {
  const d = createAlertDeriver();
  const die = engine('container', 'die', 'c1', { ...taskLabels('shop_web', 'shop'), exitCode: '3' });
  assert.equal(d.derive(die), {
    id: die.id, kind: 'task.failed', time: die.time, stack: 'shop', service: 'shop_web', node: 'node-a',
    detail: { exitCode: '3', task: 'task1', container: 'c1', image: 'local/busybox:1' },
  });
});

derive('should ignore a clean exit, a container outside swarm, and a die after the engine stopped the container', () => {
  const d = createAlertDeriver();
  assert.is(d.derive(engine('container', 'die', 'c1', { ...taskLabels('web'), exitCode: '0' })), null);
  assert.is(d.derive(engine('container', 'die', 'c2', { exitCode: '1', name: 'plain' })), null);
  assert.is(d.derive(engine('container', 'kill', 'c3', { ...taskLabels('web'), signal: '15' })), null);
  assert.is(d.derive(engine('container', 'die', 'c3', { ...taskLabels('web'), exitCode: '143' })), null);
  // The memory is per container and used up by the die: the next die of another container counts.
  assert.is(d.derive(engine('container', 'die', 'c4', { ...taskLabels('web'), exitCode: '137' }))?.kind, 'task.failed');
});

derive('should count a kill after the container turned unhealthy as a failure', () => {
  const d = createAlertDeriver();
  d.derive(engine('container', 'health_status: unhealthy', 'c1', taskLabels('web')));
  d.derive(engine('container', 'kill', 'c1', { ...taskLabels('web'), signal: '15' }));
  assert.equal(d.derive(engine('container', 'die', 'c1', { ...taskLabels('web'), exitCode: '137' }))?.detail.health, 'unhealthy');
});

derive('should forget the oldest stopped containers beyond its bound', () => {
  const d = createAlertDeriver({ remember: 2 });
  for (const id of ['c1', 'c2', 'c3']) d.derive(engine('container', 'kill', id, taskLabels('web')));
  assert.is(d.derive(engine('container', 'die', 'c1', { ...taskLabels('web'), exitCode: '137' }))?.kind, 'task.failed');
  assert.is(d.derive(engine('container', 'die', 'c3', { ...taskLabels('web'), exitCode: '137' })), null);
});

derive('should see paused and rolled-back updates in the service update state, with the stack from the name', () => {
  const d = createAlertDeriver();
  const paused = engine('service', 'update', 'svc1', { name: 'shop_web', 'updatestate.old': 'updating', 'updatestate.new': 'paused' }, 'swarm');
  assert.equal(d.derive(paused), {
    id: paused.id, kind: 'service.update_paused', time: paused.time, service: 'shop_web', stack: 'shop',
    detail: { serviceId: 'svc1', state: 'paused', previousState: 'updating' },
  });
  assert.is(d.derive(engine('service', 'update', 'svc1', { name: 'web', 'updatestate.new': 'rollback_paused' }, 'swarm'))?.kind, 'service.update_paused');
  const rollback = d.derive(engine('service', 'update', 'svc1', { name: 'web', 'updatestate.new': 'rollback_started' }, 'swarm'));
  assert.is(rollback?.kind, 'service.rollback');
  assert.is(rollback?.stack, undefined);
  for (const state of ['updating', 'completed', 'rollback_completed']) {
    assert.is(d.derive(engine('service', 'update', 'svc1', { name: 'web', 'updatestate.new': state }, 'swarm')), null, state);
  }
  assert.is(d.derive(engine('service', 'update', 'svc1', { name: 'web', 'replicas.new': '3', 'replicas.old': '1' }, 'swarm')), null);
});

derive('should see nodes going down and coming back in the node state', () => {
  const d = createAlertDeriver();
  const down = engine('node', 'update', 'n1', { name: 'worker-1', 'state.old': 'ready', 'state.new': 'down' }, 'swarm');
  assert.equal(d.derive(down), { id: down.id, kind: 'node.down', time: down.time, node: 'n1', nodeName: 'worker-1', detail: { state: 'down', previousState: 'ready' } });
  assert.is(d.derive(engine('node', 'update', 'n1', { name: 'worker-1', 'state.old': 'down', 'state.new': 'ready' }, 'swarm'))?.kind, 'node.up');
  assert.is(d.derive(engine('node', 'update', 'n1', { name: 'worker-1', 'state.old': 'unknown', 'state.new': 'ready' }, 'swarm'))?.kind, 'node.up');
  assert.is(d.derive(engine('node', 'update', 'n1', { name: 'worker-1', 'availability.old': 'active', 'availability.new': 'drain' }, 'swarm')), null);
  assert.is(d.derive(engine('node', 'update', 'n1', { name: 'worker-1', 'state.new': 'disconnected', 'state.old': 'ready' }, 'swarm')), null);
});

derive.run();
