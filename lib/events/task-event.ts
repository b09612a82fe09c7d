/**
 * Task history. Docker emits no task events, so task state changes are derived from task listings (`GET /tasks`)
 * and stored as events of type `task`, scope `swarm`, action the task's state, actor the task id.
 *
 * Identity: a change is the pair (task id, state) at the task's `Status.Timestamp`, the time the engine
 * recorded that state. Every producer that lists the same task in the same state, and every restart, derives the
 * same id from it (sha256 of task id, state and timestamp), so the stores keep one copy.
 */
import { createHash } from 'node:crypto';
import type { Event } from './event.ts';
import { formatTimeNano, parseTimeBound } from './docker-event.ts';

/** The attributes of a `task` event. */
export const TASK_ATTRIBUTES = ['serviceId', 'serviceName', 'nodeId', 'slot', 'state', 'desiredState', 'message', 'error', 'exitCode'] as const;

/** What a task was last seen as: `<state>@<timeNano>`; the key a producer remembers per task. */
export const taskStateKey = (state: string, timeNano: string): string => `${state}@${timeNano}`;

/** The id of the change of `taskId` to `state` at `timeNano` (the task's Status.Timestamp in ns). */
export const taskEventId = (taskId: string, state: string, timeNano: string): string =>
  createHash('sha256').update(JSON.stringify(['task', taskId, state, timeNano])).digest('hex');

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * The event saying that a raw engine task (as `GET /tasks` answers) is in its current state; null for a task
 * without an id, a state or a readable timestamp. `serviceNames` maps service ids to names.
 */
export const taskEventOf = (raw: unknown, serviceNames: ReadonlyMap<string, string>, node?: string): Event | null => {
  const task = record(raw);
  const status = record(task.Status);
  const id = str(task.ID);
  const state = str(status.State);
  let timeNano: bigint;
  try {
    timeNano = parseTimeBound(str(status.Timestamp) || str(task.UpdatedAt), 'timestamp');
  } catch {
    return null;
  }
  if (id === '' || state === '' || timeNano <= 0n) return null;
  const serviceId = str(task.ServiceID);
  const container = record(status.ContainerStatus);
  const attributes: Record<string, string> = {
    serviceId,
    serviceName: serviceNames.get(serviceId) ?? '',
    nodeId: str(task.NodeID),
    slot: str(task.Slot),
    state,
    desiredState: str(task.DesiredState),
    message: str(status.Message),
    error: str(status.Err),
  };
  // NOTE: ContainerStatus.ExitCode is 0 until the container exits, so it is kept only for ended tasks.
  if (typeof container.ExitCode === 'number' && ['failed', 'complete', 'shutdown', 'rejected'].includes(state)) {
    attributes.exitCode = String(container.ExitCode);
  }
  const t = timeNano.toString();
  return {
    id: taskEventId(id, state, t),
    time: formatTimeNano(timeNano),
    timeNano: t,
    type: 'task',
    action: state,
    actor: { id, attributes },
    scope: 'swarm',
    ...(node ? { node } : {}),
  };
};

/**
 * The task events of one listing that `known` (task id → taskStateKey) has not seen yet, oldest first.
 * A listing shows only each task's current state; states passed through between two listings are not invented.
 */
export const taskChanges = (
  rawTasks: readonly unknown[],
  serviceNames: ReadonlyMap<string, string>,
  known: Readonly<Record<string, readonly [string, string]>>,
  node?: string,
): Event[] => {
  const out: Event[] = [];
  for (const raw of rawTasks) {
    const e = taskEventOf(raw, serviceNames, node);
    if (!e) continue;
    if (known[e.actor.id]?.[1] === taskStateKey(e.action, e.timeNano)) continue;
    out.push(e);
  }
  return out.sort((a, b) => (BigInt(a.timeNano) < BigInt(b.timeNano) ? -1 : BigInt(a.timeNano) > BigInt(b.timeNano) ? 1 : a.id < b.id ? -1 : 1));
};
