import { createSignal, For, onMount, Show } from 'solid-js';
import type { AlertKind, AlertRuleSummary } from '../../../lib/alerts/alert.ts';
import { useApp, usePageStore } from '../context.ts';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ErrorDetails } from '../components/error-details.tsx';
import { ago } from '../logic/format.ts';
import { createFormSubmit } from '../logic/form-submit.ts';
import { can } from '../logic/permissions.ts';
import { createAlertsStore } from '../stores/alerts.ts';
import { ColumnHeads, DataTable, PageHead, RowDangerButton } from '../components/table.tsx';
import { createKeyboardList } from '../components/keyboard-list.ts';

const KINDS: Array<{ kind: AlertKind; label: string }> = [
  { kind: 'task.failed', label: 'A task fails' },
  { kind: 'node.down', label: 'A node goes down' },
  { kind: 'node.up', label: 'A node comes back' },
  { kind: 'service.update_paused', label: 'An update pauses' },
  { kind: 'service.rollback', label: 'An update rolls back' },
];
const MATCH = /^[A-Za-z0-9*._-]{1,255}$/;

const matchText = (r: AlertRuleSummary) =>
  Object.entries(r.match).map(([k, v]) => `${k}=${v}`).join(', ') || 'everything';

export default function Alerts() {
  const ctx = useApp();
  const store = usePageStore(createAlertsStore);
  const { rules, deliveries, loaded, error, busy, load } = store;
  const writable = () => can(ctx.session.me(), 'alerts.write');
  const ruleKeys = createKeyboardList({ count: () => rules().length });
  const deliveryKeys = createKeyboardList({ count: () => deliveries().length });
  const [deleting, setDeleting] = createSignal<AlertRuleSummary | null>(null);
  const [name, setName] = createSignal('');
  const [kinds, setKinds] = createSignal<AlertKind[]>(['task.failed']);
  const [stack, setStack] = createSignal('');
  const [service, setService] = createSignal('');
  const [node, setNode] = createSignal('');
  const [url, setUrl] = createSignal('');
  const [secret, setSecret] = createSignal('');
  onMount(() => void load());

  const urlError = () => (url() !== '' && !/^https?:\/\/\S+$/.test(url()) ? 'An http:// or https:// URL.' : null);
  const secretError = () => (secret() !== '' && secret().length < 16 ? 'At least 16 characters, or leave it empty to get one.' : null);
  const matchError = () => ([stack(), service(), node()].some((v) => v !== '' && !MATCH.test(v)) ? 'Names use letters, digits, ., _, - and * (any run).' : null);

  const { tried, error: createError, submit: create } = createFormSubmit({
    valid: () => !(!name().trim() || !url() || kinds().length === 0 || urlError() || secretError() || matchError()),
    send: () =>
      store.create({
        name: name().trim(),
        on: kinds(),
        match: { ...(stack() ? { stack: stack() } : {}), ...(service() ? { service: service() } : {}), ...(node() ? { node: node() } : {}) },
        webhook: { url: url(), ...(secret() ? { secret: secret() } : {}) },
      }),
    reset: () => {
      setName('');
      setUrl('');
      setSecret('');
      setStack('');
      setService('');
      setNode('');
    },
  });

  return (
    <section class="pad">
      <PageHead title="Alerts" onRefresh={() => void load()} />
      <p class="muted">
        Each rule posts a signed JSON webhook (<code>X-Dashboard-Signature: sha256=…</code>) once per matching event, retried with backoff.
      </p>
      <ErrorDetails error={error()} />

      <Show when={store.revealed()}>
        {(r) => (
          <div class="card" role="status" data-testid="alert-secret">
            <p>
              The signing secret of the new rule, shown only this once: <code>{r().secret}</code>
            </p>
            <button type="button" class="secondary small" onClick={() => store.dismissSecret()}>
              I have copied it
            </button>
          </div>
        )}
      </Show>

      <h2>Rules</h2>
      <DataTable
        testid="alert-rules"
        onKeyDown={ruleKeys.onKeyDown}
        head={<ColumnHeads names={['Name', 'On', 'Match', 'Webhook', 'Created']} actions />}
        columns={6}
        each={rules()}
        loaded={loaded()}
        empty="No alert rules."
      >
        {(r, i) => (
          <tr {...ruleKeys.row(i)} data-rule={r.id}>
            <th scope="row">{r.name}</th>
            <td>{r.on.join(', ')}</td>
            <td>{matchText(r)}</td>
            <td class="mono">{r.webhook.url}</td>
            <td title={r.createdAt}>{ago(r.createdAt, ctx.now())} by {r.createdBy}</td>
            <td>
              <button type="button" class="secondary small" onClick={() => void store.filter(r.id)}>
                Deliveries
              </button>
              <Show when={writable()}>
                <button type="button" class="secondary small" disabled={busy() === r.id} onClick={() => void store.test(r)}>
                  Test
                </button>
                <RowDangerButton label="Delete" disabled={busy() === r.id} onClick={() => setDeleting(r)} />
              </Show>
            </td>
          </tr>
        )}
      </DataTable>

      <div class="page-head">
        <h2>Deliveries{store.ruleFilter() ? ` of ${rules().find((r) => r.id === store.ruleFilter())?.name ?? 'a deleted rule'}` : ''}</h2>
        <Show when={store.ruleFilter()}>
          <button type="button" class="secondary small" onClick={() => void store.filter(null)}>
            All rules
          </button>
        </Show>
      </div>
      <DataTable
        testid="alert-deliveries"
        onKeyDown={deliveryKeys.onKeyDown}
        head={<ColumnHeads names={['When', 'Rule', 'Event', 'Status', 'Attempts', 'Last error']} />}
        columns={6}
        each={deliveries()}
        loaded={loaded()}
        empty="No deliveries yet."
      >
        {(d, i) => (
          <tr {...deliveryKeys.row(i)} data-delivery={d.id}>
            <td title={d.time}>{ago(d.time, ctx.now())}</td>
            <td>{rules().find((r) => r.id === d.ruleId)?.name ?? d.ruleId}</td>
            <td>
              {d.event.kind} {d.event.service ?? d.event.nodeName ?? d.event.node ?? ''}
              <Show when={d.event.detail['test'] === 'true'}>
                <span class="chip">test</span>
              </Show>
            </td>
            <td>
              <span class="chip" classList={{ danger: d.status === 'failed' }}>{d.status}</span>
            </td>
            <td>{d.attempts}</td>
            <td class="muted">{d.lastError ?? ''}</td>
          </tr>
        )}
      </DataTable>

      <Show when={writable()}>
        <form class="card" onSubmit={create} novalidate data-testid="create-alert-form">
          <h2>Create rule</h2>
          <div class="field" classList={{ invalid: tried() && !name().trim() }}>
            <label for="alert-name">Name</label>
            <input id="alert-name" maxLength={100} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            <small class="field-error">{tried() && !name().trim() ? 'A name is required.' : ''}</small>
          </div>
          <fieldset classList={{ invalid: tried() && kinds().length === 0 }}>
            <legend>When</legend>
            <For each={KINDS}>
              {(k) => (
                <label>
                  <input
                    type="checkbox"
                    checked={kinds().includes(k.kind)}
                    onChange={(e) => setKinds((list) => (e.currentTarget.checked ? [...list, k.kind] : list.filter((x) => x !== k.kind)))}
                  />{' '}
                  {k.label} <code>{k.kind}</code>
                </label>
              )}
            </For>
            <small class="field-error">{tried() && kinds().length === 0 ? 'Pick at least one.' : ''}</small>
          </fieldset>
          <div class="grid2" classList={{ invalid: !!matchError() }}>
            <div class="field">
              <label for="alert-stack">Stack (optional)</label>
              <input id="alert-stack" value={stack()} onInput={(e) => setStack(e.currentTarget.value)} placeholder="shop" />
            </div>
            <div class="field">
              <label for="alert-service">Service (optional)</label>
              <input id="alert-service" value={service()} onInput={(e) => setService(e.currentTarget.value)} placeholder="shop_*" />
            </div>
            <div class="field">
              <label for="alert-node">Node id or hostname (optional)</label>
              <input id="alert-node" value={node()} onInput={(e) => setNode(e.currentTarget.value)} />
            </div>
          </div>
          <small class="field-error">{matchError() ?? ''}</small>
          <div class="field" classList={{ invalid: !!urlError() || (tried() && !url()) }}>
            <label for="alert-url">Webhook URL</label>
            <input id="alert-url" type="url" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://hooks.example.com/dashboard" />
            <small class="field-error">{urlError() ?? (tried() && !url() ? 'A URL is required.' : '')}</small>
          </div>
          <div class="field" classList={{ invalid: !!secretError() }}>
            <label for="alert-secret">Signing secret (optional)</label>
            <input id="alert-secret" type="password" autocomplete="off" value={secret()} onInput={(e) => setSecret(e.currentTarget.value)} />
            <small class="field-error">{secretError() ?? ''}</small>
          </div>
          <ErrorDetails error={createError()} />
          <button type="submit">Create rule</button>
        </form>
      </Show>

      <Show when={deleting()}>
        {(r) => (
          <ConfirmDialog
            title={`Delete the alert rule ${r().name}?`}
            confirmLabel="Delete rule"
            danger
            onClose={() => setDeleting(null)}
            onConfirm={() => store.remove(r())}
          >
            <p>Its deliveries stay listed; any still being retried stop.</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}
