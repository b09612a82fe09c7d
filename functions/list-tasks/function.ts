import { z } from 'zod';
import { parseTimeBound } from '../../lib/events/docker-event.ts';
import { mergeTaskHistory, readTaskEvents } from '../../lib/events/task-history.ts';
import { filterFor, reachOf } from '../../lib/permissions.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { taskSchema } from '../../lib/swarm/schemas.ts';
import { listTasksInput } from './schema.ts';

const WEEK_NS = 7n * 86_400_000_000_000n;

const historyEntrySchema = z.object({
  state: z.string(),
  message: z.string(),
  error: z.string().nullable(),
  time: z.string(),
  exitCode: z.number().int().optional(),
});

/**
 * list-tasks: the engine's tasks merged with the task history stored with the events (lib/events/task-history.ts),
 * newest first, a page at a time (`next` → `cursor`). Tasks Docker has pruned appear with `current: false`.
 */
export const listTasks = defineFunction({
  name: 'list-tasks',
  summary: 'Tasks with their state history, beyond the five per slot Docker keeps',
  permission: 'services.read',
  scoped: true,
  readOnly: true,
  input: listTasksInput,
  output: z.object({
    tasks: z.array(taskSchema.extend({
      serviceName: z.string(),
      nodeHostname: z.string().nullable(),
      current: z.boolean(),
      history: z.array(historyEntrySchema),
    })),
    next: z.string().optional(),
  }),
  async handler({ input, principal }, deps) {
    const since = input.since === undefined ? BigInt(Date.now()) * 1_000_000n - WEEK_NS : parseTimeBound(input.since, 'since');
    const [{ services }, nodes] = await Promise.all([deps.services.read(), deps.swarm.listNodes()]);
    const live = input.service === undefined ? undefined : services.find((s) => s.id === input.service || s.name === input.service);
    // A removed service is no longer listed, but its history is still asked for by id.
    const serviceId = input.service === undefined ? undefined : live?.id ?? input.service;
    const node = input.node === undefined ? undefined : nodes.find((n) => n.id === input.node || n.hostname === input.node);
    const nodeId = input.node === undefined ? undefined : node?.id ?? input.node;
    // A scoped holder sees the tasks of the services its scopes match; a removed service by its name only.
    const readable = filterFor(principal, 'services.read');
    const byId = new Map(services.map((s) => [s.id, s]));
    const visible = reachOf(principal, 'services.read') === 'all'
      ? undefined
      : (t: { serviceId: string; serviceName: string }) => {
          const s = byId.get(t.serviceId);
          return readable(s ? { name: s.name, labels: s.labels ?? {} } : { name: t.serviceName, labels: {} });
        };
    const [current, stored] = await Promise.all([
      input.service !== undefined && !live
        ? Promise.resolve([])
        : deps.swarm.listTasks({ ...(live ? { serviceId: live.id } : {}), ...(node ? { nodeId: node.id } : {}) }),
      readTaskEvents(deps.history, since),
    ]);
    return mergeTaskHistory(
      current,
      stored,
      { service: new Map(services.map((s) => [s.id, s.name])), node: new Map(nodes.map((n) => [n.id, n.hostname])) },
      {
        ...(serviceId === undefined ? {} : { serviceId }),
        ...(nodeId === undefined ? {} : { nodeId }),
        ...(input.state === undefined ? {} : { state: input.state }),
        since,
        limit: input.limit ?? 100,
        ...(visible ? { visible } : {}),
        ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
      },
    );
  },
});
