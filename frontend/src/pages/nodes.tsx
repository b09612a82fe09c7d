import { A } from '@solidjs/router';
import { createSignal, For, onMount, Show } from 'solid-js';
import { useApp, usePageStore } from '../context.ts';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ErrorDetails } from '../components/error-details.tsx';
import { createKeyboardList } from '../components/keyboard-list.ts';
import { formatPairs, parsePairs } from '../logic/service-form.ts';
import { shortId } from '../logic/format.ts';
import { can, canAny } from '../logic/permissions.ts';
import { createNodesStore } from '../stores/nodes.ts';
import type { NodeSummary } from '../types.ts';
import { ColumnHeads, DataTable } from '../components/table.tsx';

export default function Nodes() {
  const ctx = useApp();
  const store = usePageStore(createNodesStore);
  const { nodes, loaded, error, busy, update, loadingTasks, loadTasks } = store;
  const [editing, setEditing] = createSignal<string | null>(null);
  const [labelsText, setLabelsText] = createSignal('');
  const [labelsError, setLabelsError] = createSignal<string | null>(null);
  const [confirm, setConfirm] = createSignal<{ node: NodeSummary; change: 'drain' | 'demote' } | null>(null);
  const writable = () => can(ctx.session.me(), 'nodes.write');
  const keys = createKeyboardList({ count: () => nodes().length });
  const load = () => store.load();
  onMount(() => void load());

  const startLabels = (node: NodeSummary) => {
    setEditing(node.id);
    setLabelsText(formatPairs(node.labels));
    setLabelsError(null);
  };
  const saveLabels = async (e: SubmitEvent, node: NodeSummary) => {
    e.preventDefault();
    const { pairs, bad } = parsePairs(labelsText());
    if (bad.length) {
      setLabelsError(`Use key=value, one a line (bad: ${bad[0]}).`);
      return;
    }
    if (await update(node, { labels: pairs }, `Labels of ${node.hostname} saved.`)) setEditing(null);
  };
  const tasksOn = (nodeId: string) => store.tasksByNode()?.get(nodeId) ?? [];

  return (
    <section class="pad">
      <div class="page-head">
        <h1>Nodes</h1>
        <div class="page-actions">
          <button type="button" class="secondary" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorDetails error={error()} />
      <DataTable
        testid="nodes-table"
        onKeyDown={keys.onKeyDown}
        head={
          <>
            <ColumnHeads names={['Hostname', 'Role', 'Availability', 'State', 'Address', 'Engine', 'Labels']} />
            <Show when={writable()}>
              <th scope="col">Actions</th>
            </Show>
          </>
        }
        columns={8}
        each={nodes()}
        loaded={loaded()}
        empty="No nodes."
      >
        {(n, i) => (
          <tr {...keys.row(i)} data-node={n.hostname}>
            <td>
              <span class="mono" title={n.id}>
                {n.hostname}
              </span>
            </td>
            <td>
              {n.role}
              <Show when={n.leader}>
                <span class="chip leader">leader</span>
              </Show>
            </td>
            <td>
              <span class={`state state-${n.availability}`}>{n.availability}</span>
            </td>
            <td>
              <span class={`state state-${n.state}`}>{n.state}</span>
            </td>
            <td class="mono">{n.addr}</td>
            <td class="mono">{n.engineVersion}</td>
            <td>
              <Show
                when={editing() === n.id}
                fallback={
                  <ul class="chips">
                    <For each={Object.entries(n.labels ?? {})} fallback={<li class="muted">none</li>}>
                      {([k, v]) => <li class="chip mono">{`${k}=${v}`}</li>}
                    </For>
                  </ul>
                }
              >
                <form class="labels-form" onSubmit={(e) => void saveLabels(e, n)}>
                  <label for={`labels-${n.id}`}>Labels (key=value, one a line)</label>
                  <textarea id={`labels-${n.id}`} rows="3" value={labelsText()} onInput={(e) => setLabelsText(e.currentTarget.value)} aria-invalid={labelsError() ? 'true' : 'false'} />
                  <Show when={labelsError()}>
                    <small class="field-error">{labelsError()}</small>
                  </Show>
                  <div class="actions">
                    <button type="button" class="secondary small" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                    <button type="submit" class="small" disabled={busy() === n.id}>
                      Save labels
                    </button>
                  </div>
                </form>
              </Show>
            </td>
            <Show when={writable()}>
              <td class="actions-cell">
                <Show
                  when={n.availability === 'active'}
                  fallback={
                    <button type="button" class="secondary small" disabled={busy() === n.id} onClick={() => void update(n, { availability: 'active' }, `${n.hostname} is active.`)}>
                      Activate
                    </button>
                  }
                >
                  <button type="button" class="secondary small" disabled={busy() === n.id} onClick={() => setConfirm({ node: n, change: 'drain' })}>
                    Drain
                  </button>
                </Show>
                <Show
                  when={n.role === 'worker'}
                  fallback={
                    <button type="button" class="secondary small" disabled={busy() === n.id} onClick={() => setConfirm({ node: n, change: 'demote' })}>
                      Demote
                    </button>
                  }
                >
                  <button type="button" class="secondary small" disabled={busy() === n.id} onClick={() => void update(n, { role: 'manager' }, `${n.hostname} promoted.`)}>
                    Promote
                  </button>
                </Show>
                <Show when={editing() !== n.id}>
                  <button type="button" class="secondary small" onClick={() => startLabels(n)}>
                    Edit labels
                  </button>
                </Show>
              </td>
            </Show>
          </tr>
        )}
      </DataTable>

      <Show when={canAny(ctx.session.me(), 'services.read')}>
        <h2>Tasks on nodes</h2>
        <Show
          when={store.tasksByNode()}
          fallback={
            <button type="button" class="secondary" disabled={loadingTasks()} onClick={() => void loadTasks()} data-testid="load-placements">
              {loadingTasks() ? 'Loading tasks…' : 'Show running tasks per node'}
            </button>
          }
        >
          <div class="node-grid" data-testid="placements">
            <For each={nodes()}>
              {(n) => (
                <div class="card node-card">
                  <h3>
                    {n.hostname} <span class="muted">({tasksOn(n.id).length} tasks)</span>
                  </h3>
                  <ul class="plain">
                    <For each={tasksOn(n.id)} fallback={<li class="muted">No tasks.</li>}>
                      {(p) => (
                        <li>
                          <A href={`/services/${encodeURIComponent(p.service.id)}`}>{p.service.name}</A>
                          {p.task.slot !== null ? `.${p.task.slot}` : ''} <span class={`state state-${p.task.state}`}>{p.task.state}</span>{' '}
                          <span class="muted mono">{shortId(p.task.id)}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </div>
              )}
            </For>
          </div>
          <button type="button" class="secondary" disabled={loadingTasks()} onClick={() => void loadTasks()}>
            {loadingTasks() ? 'Loading…' : 'Reload tasks'}
          </button>
        </Show>
      </Show>

      <Show when={confirm()}>
        {(c) => (
          <ConfirmDialog
            title={c().change === 'drain' ? `Drain ${c().node.hostname}?` : `Demote ${c().node.hostname}?`}
            confirmLabel={c().change === 'drain' ? 'Drain' : 'Demote'}
            danger
            onClose={() => setConfirm(null)}
            onConfirm={async () => {
              const { node, change } = c();
              if (change === 'drain') await update(node, { availability: 'drain' }, `${node.hostname} is draining.`);
              else await update(node, { role: 'worker' }, `${node.hostname} demoted.`);
            }}
          >
            <p>
              {c().change === 'drain'
                ? 'Its tasks move to other nodes; with a single node they stop until it is active again.'
                : 'It stops being a manager. Demoting the last manager fails.'}
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}
