import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ErrorDetails } from '../components/error-details.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { useApp, useStore } from '../context.ts';
import { ago } from '../logic/format.ts';
import { canAny } from '../logic/permissions.ts';
import { countActions } from '../logic/stacks.ts';
import { createStacksStore } from '../stores/stacks.ts';
import { RowDangerButton } from '../components/table.tsx';
import { createKeyboardList } from '../components/keyboard-list.ts';

const ACTION_LABEL = { created: 'create', updated: 'update', unchanged: 'unchanged', removed: 'remove' } as const;

export default function Stacks() {
  const ctx = useApp();
  const store = useStore(createStacksStore);
  const [removing, setRemoving] = createSignal<string | null>(null);
  const writable = () => canAny(ctx.session.me(), 'services.write');
  onMount(() => void store.load());
  // Keyboard navigation runs over every row, stack heads and their services alike: each stack's first index.
  const rows = createMemo(() => {
    let next = 0;
    const first = store.stacks().map((g) => {
      const at = next;
      next += 1 + g.services.length;
      return at;
    });
    return { first, count: next };
  });
  const firstRow = (stack: number) => rows().first[stack] ?? 0;
  const keys = createKeyboardList({ count: () => rows().count });

  const upload = async (e: Event & { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    if (!file) return;
    store.edit({ compose: await file.text(), ...(store.draft().name === '' ? { name: file.name.replace(/\.(ya?ml)$/i, '').toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 30) } : {}) });
    e.currentTarget.value = '';
  };

  const counts = () => countActions(store.preview()?.result.services ?? []);

  return (
    <section class="pad">
      <div class="page-head">
        <h1>Stacks</h1>
        <button type="button" class="secondary" onClick={() => void store.load()} disabled={store.services.loading()}>
          {store.services.loading() ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <Show when={store.services.error()}>
        <p class="error-box" role="alert">{store.services.error()}</p>
      </Show>

      <div class="table-wrap">
        <table data-testid="stacks-table" onKeyDown={keys.onKeyDown}>
          <thead>
            <tr>
              <th scope="col">Stack / service</th>
              <th scope="col">Image</th>
              <th scope="col">Replicas</th>
              <th scope="col">Last update</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <For
            each={store.stacks()}
            fallback={<tbody><tr><td colspan={5} class="muted">{store.services.loaded() ? 'No stacks.' : 'Loading…'}</td></tr></tbody>}
          >
            {(g, gi) => (
              <tbody data-stack={g.name}>
                <tr class="group-head" {...keys.row(() => firstRow(gi()))}>
                  <th scope="rowgroup">
                    {g.name} <span class="muted">({g.services.length} service{g.services.length === 1 ? '' : 's'})</span>
                  </th>
                  <td />
                  <td data-testid="stack-replicas">
                    {g.running}/{g.desired}
                    {g.converging ? ' · converging' : ''}
                  </td>
                  <td />
                  <td class="actions">
                    <Show when={writable()}>
                      <button type="button" class="secondary small" onClick={() => void store.loadStack(g.name)}>
                        Edit file
                      </button>
                      <RowDangerButton label="Remove" testid="remove-stack" onClick={() => setRemoving(g.name)} />
                    </Show>
                  </td>
                </tr>
                <For each={g.services}>
                  {(s, si) => (
                    <tr data-service={s.name} {...keys.row(() => firstRow(gi()) + 1 + si())}>
                      <td class="name-cell indent">
                        <a href={`/services/${encodeURIComponent(s.id)}`}>{s.name}</a>
                      </td>
                      <td class="mono ellipsis">{s.image}</td>
                      <td><ProgressBar service={s} showMessage /></td>
                      <td title={s.updatedAt}>{ago(s.updatedAt, ctx.now())}</td>
                      <td />
                    </tr>
                  )}
                </For>
              </tbody>
            )}
          </For>
        </table>
      </div>

      <Show when={store.deployment()}>
        {(d) => (
          <div class="card" data-testid="stack-rollout" data-converged={String(store.converged())} role="status" aria-live="polite">
            <div class="page-head">
              <h2>
                Deploying {d().name}: {store.converged() ? 'converged' : 'in progress…'}
              </h2>
              <button type="button" class="secondary small" onClick={() => store.dismissDeployment()}>
                Close
              </button>
            </div>
            <table>
              <thead>
                <tr><th scope="col">Service</th><th scope="col">Change</th><th scope="col">Replicas and update</th></tr>
              </thead>
              <tbody>
                <For each={store.progress()}>
                  {(r) => (
                    <tr data-service={r.name} data-converged={String(r.converged)}>
                      <td class="mono">{r.name}</td>
                      <td>{r.action}</td>
                      <td>
                        <Show when={r.service} fallback={<span class="muted">{r.action === 'removed' ? 'removed' : 'waiting for the service…'}</span>}>
                          {(s) => <ProgressBar service={s()} showMessage />}
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>

      <Show when={writable()}>
        <form class="card" data-testid="deploy-stack-form" onSubmit={(e) => (e.preventDefault(), void store.runPreview())} novalidate>
          <h2>Deploy a stack</h2>
          <p class="muted">
            Paste or upload a Compose file. The preview judges it with the security policy and shows what would change; nothing
            changes until you deploy. Secrets and configs the file creates take their content from <code>x-data</code>.
          </p>
          <div class="grid2">
            <div class="field">
              <label for="stack-name">Stack name</label>
              <input id="stack-name" data-testid="stack-name" value={store.draft().name} onInput={(e) => store.edit({ name: e.currentTarget.value })} placeholder="shop" autocomplete="off" />
            </div>
            <div class="field">
              <label for="stack-file">Upload a file</label>
              <input id="stack-file" type="file" accept=".yml,.yaml,text/yaml,application/yaml" data-testid="stack-file" onChange={upload} />
            </div>
          </div>
          <div class="field">
            <label for="stack-compose">Compose file (YAML)</label>
            <textarea id="stack-compose" class="mono" rows={14} spellcheck={false} data-testid="stack-compose" value={store.draft().compose} onInput={(e) => store.edit({ compose: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="stack-env">Variables (<code>KEY=value</code> per line, for <code>{'${VAR}'}</code>; never stored)</label>
            <textarea id="stack-env" class="mono" rows={3} spellcheck={false} value={store.draft().env} onInput={(e) => store.edit({ env: e.currentTarget.value })} />
          </div>
          <label class="check">
            <input type="checkbox" checked={store.draft().prune} onChange={(e) => store.edit({ prune: e.currentTarget.checked })} /> Remove the stack's services that
            are no longer in the file (prune)
          </label>
          <ErrorDetails error={store.problem()} />
          <div class="form-actions">
            <button type="submit" data-testid="preview-stack" disabled={store.busy() !== ''}>
              {store.busy() === 'preview' ? 'Checking…' : 'Preview changes'}
            </button>
            <button type="button" class="secondary" onClick={() => store.reset()}>
              Clear
            </button>
          </div>
          <Show when={store.preview()}>
            {(p) => (
              <div data-testid="stack-preview">
                <h3>
                  Preview of {p().request.name}: {counts().created} to create, {counts().updated} to update, {counts().unchanged} unchanged
                  {counts().removed > 0 ? `, ${counts().removed} to remove` : ''}
                </h3>
                <table>
                  <thead><tr><th scope="col">Service</th><th scope="col">Change</th></tr></thead>
                  <tbody>
                    <For each={p().result.services}>
                      {(s) => (
                        <tr data-service={s.name} data-action={s.action}>
                          <td class="mono">{s.name}</td>
                          <td><span class="chip" classList={{ danger: s.action === 'removed' }}>{ACTION_LABEL[s.action]}</span></td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
                <div class="form-actions">
                  <button type="button" data-testid="deploy-stack" disabled={store.busy() !== ''} onClick={() => void store.deploy()}>
                    {store.busy() === 'deploy' ? 'Deploying…' : `Deploy ${p().request.name}`}
                  </button>
                </div>
              </div>
            )}
          </Show>
        </form>
      </Show>

      <Show when={removing()}>
        {(name) => (
          <ConfirmDialog
            title={`Remove the stack ${name()}?`}
            confirmLabel="Remove stack"
            typeToConfirm={name()}
            danger
            onConfirm={() => store.remove(name())}
            onClose={() => setRemoving(null)}
          >
            <p>
              Every service of the stack is removed, then its networks, and the secrets and configs it created (when you may write
              them). Volumes stay.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}
