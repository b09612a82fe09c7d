/**
 * The alert kinds, derived from the Docker events the bus carries (lib/events/docker-event.ts). The engine emits:
 * - `service update` (scope swarm) with `updatestate.new` when a rolling update changes state: `paused` and
 *   `rollback_paused` (an update that stopped on failures and needs a human) → service.update_paused;
 *   `rollback_started` (automatic on failure, or asked for) → service.rollback;
 * - `node update` (scope swarm) with `state.old`/`state.new` (`ready`, `down`, `disconnected`, `unknown`):
 *   `down` → node.down; `ready` after anything else → node.up;
 * - `container die` with `exitCode` and the container's labels, which for a task include
 *   `com.docker.swarm.task.id`, `com.docker.swarm.service.name`, `com.docker.swarm.node.id` and, in a stack,
 *   `com.docker.stack.namespace`. A non-zero exit is task.failed, unless the engine itself stopped the container
 *   (a `kill` event for it came first: an update, a scale-down or a removal ends the task as `shutdown`, not
 *   `failed`, and SIGTERM gives 143 or, after the grace period, 137). A kill after the container turned
 *   `unhealthy` still counts: swarm stops unhealthy tasks, and marks them failed.
 * Service events carry no labels, so their stack is the name's prefix before `_` (how `docker stack deploy` names
 * services).
 */
import type { Event } from '../events/event.ts';
import type { AlertEvent } from './alert.ts';

const TASK_ID = 'com.docker.swarm.task.id';
const SERVICE_NAME = 'com.docker.swarm.service.name';
const NODE_ID = 'com.docker.swarm.node.id';
const STACK = 'com.docker.stack.namespace';

export interface AlertDeriverOptions {
  /** How many stopped containers to remember (oldest forgotten first). Default 10,000. */
  remember?: number;
}

export interface AlertDeriver {
  /** The alert event for `event`, or null. Feed every event of a partition in order: kills are remembered. */
  derive(event: Event): AlertEvent | null;
}

/**
 * Creates a deriver. Its memory of kills is per process: after a restart, a redelivered `die` whose `kill` was
 * consumed before the restart counts as a failure (the at-least-once bus may replay the die without the kill).
 */
export const createAlertDeriver = (options: AlertDeriverOptions = {}): AlertDeriver => {
  const remember = options.remember ?? 10_000;
  // container id → 'killed' | 'unhealthy'; a Map keeps insertion order, so the oldest goes first.
  const containers = new Map<string, 'killed' | 'unhealthy'>();
  const note = (id: string, state: 'killed' | 'unhealthy') => {
    containers.delete(id);
    containers.set(id, state);
    if (containers.size > remember) containers.delete(containers.keys().next().value!);
  };

  return {
    derive(event) {
      const a = event.actor.attributes;
      if (event.type === 'container') {
        if (!a[TASK_ID]) return null;
        if (event.action === 'health_status: unhealthy') note(event.actor.id, 'unhealthy');
        else if (event.action === 'kill' && containers.get(event.actor.id) !== 'unhealthy') note(event.actor.id, 'killed');
        if (event.action !== 'die') return null;
        const stopped = containers.get(event.actor.id);
        containers.delete(event.actor.id);
        const exitCode = a['exitCode'];
        if (exitCode === undefined || exitCode === '0' || stopped === 'killed') return null;
        return {
          id: event.id,
          kind: 'task.failed',
          time: event.time,
          ...(a[STACK] ? { stack: a[STACK] } : {}),
          ...(a[SERVICE_NAME] ? { service: a[SERVICE_NAME] } : {}),
          ...(a[NODE_ID] || event.node ? { node: a[NODE_ID] || event.node } : {}),
          detail: { exitCode, task: a[TASK_ID], container: event.actor.id, ...(a['image'] ? { image: a['image'] } : {}), ...(stopped ? { health: stopped } : {}) },
        };
      }
      if (event.type === 'service' && event.action === 'update') {
        const state = a['updatestate.new'];
        const kind = state === 'paused' || state === 'rollback_paused' ? 'service.update_paused' : state === 'rollback_started' ? 'service.rollback' : null;
        if (!kind) return null;
        const name = a['name'];
        // NOTE: service events carry no labels; `docker stack deploy` names services `<stack>_<service>`.
        const stack = name?.includes('_') ? name.slice(0, name.indexOf('_')) : undefined;
        return {
          id: event.id,
          kind,
          time: event.time,
          ...(name ? { service: name } : {}),
          ...(stack ? { stack } : {}),
          detail: { serviceId: event.actor.id, state: state!, ...(a['updatestate.old'] ? { previousState: a['updatestate.old'] } : {}) },
        };
      }
      if (event.type === 'node' && event.action === 'update') {
        const state = a['state.new'];
        const old = a['state.old'];
        const kind = state === 'down' ? 'node.down' : state === 'ready' && old !== undefined && old !== 'ready' ? 'node.up' : null;
        if (!kind) return null;
        return {
          id: event.id,
          kind,
          time: event.time,
          node: event.actor.id,
          ...(a['name'] ? { nodeName: a['name'] } : {}),
          detail: { state: state!, ...(old ? { previousState: old } : {}) },
        };
      }
      return null;
    },
  };
};
