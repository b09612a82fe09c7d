import { createSignal, onCleanup } from 'solid-js';
import type { AppContext } from '../context.ts';
import type { NodeSummary, NodeUpdate, ServiceSummary, Task } from '../types.ts';

export interface Placement {
  service: Pick<ServiceSummary, 'id' | 'name'>;
  task: Task;
}

export type NodesStore = ReturnType<typeof createNodesStore>;

/** Placements by node id ('unassigned' for none), each list by service name, then slot. */
const groupByNode = (placements: readonly Placement[]): ReadonlyMap<string, Placement[]> => {
  const map = new Map<string, Placement[]>();
  for (const p of placements) {
    const key = p.task.nodeId ?? 'unassigned';
    map.set(key, [...(map.get(key) ?? []), p]);
  }
  for (const list of map.values()) list.sort((a, b) => a.service.name.localeCompare(b.service.name) || (a.task.slot ?? 0) - (b.task.slot ?? 0));
  return map;
};

/**
 * The nodes list, reloaded on every node event, with the node updates (availability, role, labels) and,
 * on demand, the running tasks placed on each node.
 */
export const createNodesStore = (ctx: AppContext) => {
  const [nodes, setNodes] = createSignal<NodeSummary[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [tasksByNode, setTasksByNode] = createSignal<ReadonlyMap<string, Placement[]> | null>(null);
  const [loadingTasks, setLoadingTasks] = createSignal(false);

  const load = async () => {
    try {
      const { nodes: list } = await ctx.api.listNodes();
      setNodes(list.sort((a, b) => a.hostname.localeCompare(b.hostname)));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  };

  const unsubscribe = ctx.live.subscribe((event) => {
    if (event.type === 'node') void load();
  });
  const dispose = () => unsubscribe();
  onCleanup(dispose);

  return {
    nodes,
    loaded,
    error,
    /** The id of the node being updated, if any. */
    busy,
    /** Running tasks by node id, or null until loadTasks. */
    tasksByNode,
    loadingTasks,
    load,
    /** Applies `change` at the node's version; toasts `done` and answers true when it took. Reloads either way. */
    async update(node: NodeSummary, change: NodeUpdate, done: string) {
      setBusy(node.id);
      setError(null);
      try {
        await ctx.api.updateNode(node.id, node.version, change, { quiet: true });
        ctx.toasts.success(done);
        await load();
        return true;
      } catch (e) {
        setError(e);
        await load();
        return false;
      } finally {
        setBusy(null);
      }
    },
    async loadTasks() {
      setLoadingTasks(true);
      try {
        const found: Placement[] = [];
        // One list-tasks call a page instead of an inspect per service; `since` now: only current tasks matter.
        const since = new Date().toISOString();
        let cursor: string | undefined;
        do {
          const page = await ctx.api.listTasks({ since, limit: 1000, ...(cursor ? { cursor } : {}) });
          for (const { history: _, serviceName, nodeHostname: __, current, ...task } of page.tasks) {
            if (current && (task.desiredState === 'running' || task.state === 'running')) {
              found.push({ service: { id: task.serviceId, name: serviceName }, task });
            }
          }
          cursor = page.next;
        } while (cursor);
        setTasksByNode(groupByNode(found));
      } finally {
        setLoadingTasks(false);
      }
    },
    dispose,
  };
};
