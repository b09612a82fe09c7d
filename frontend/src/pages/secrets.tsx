import { createSignal, For, onMount, Show } from 'solid-js';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ErrorDetails } from '../components/error-details.tsx';
import { useApp, usePageStore } from '../context.ts';
import { ago } from '../logic/format.ts';
import { canAny, canFor } from '../logic/permissions.ts';
import { createKeyboardList } from '../components/keyboard-list.ts';
import { base64ToText, textToBase64, toBase64 } from '../logic/stacks.ts';
import { createSecretsStore } from '../stores/secrets.ts';
import type { ObjectKind, ObjectListing } from '../types.ts';
import { ColumnHeads, DataTable, PageHead, RowDangerButton } from '../components/table.tsx';

const NAME = /^[A-Za-z0-9_-]{1,60}$/;
const TITLE: Record<ObjectKind, string> = { secret: 'Secret', config: 'Config' };

/** Data typed in, or a file's bytes: either way the server gets base64. */
const DataInput = (props: { id: string; onData: (data: string | null) => void; secret: boolean }) => {
  const [text, setText] = createSignal('');
  const [file, setFile] = createSignal<string | null>(null);
  return (
    <>
      <div class="field">
        <label for={`${props.id}-text`}>Data</label>
        <textarea
          id={`${props.id}-text`}
          class="mono"
          rows={4}
          spellcheck={false}
          autocomplete="off"
          disabled={file() !== null}
          data-testid={`${props.id}-data`}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            props.onData(e.currentTarget.value === '' ? null : textToBase64(e.currentTarget.value));
          }}
        />
      </div>
      <div class="field">
        <label for={`${props.id}-file`}>or upload a file{file() ? ` (${file()})` : ''}</label>
        <input
          id={`${props.id}-file`}
          type="file"
          onChange={async (e) => {
            const f = e.currentTarget.files?.[0];
            if (!f) return void (setFile(null), props.onData(text() === '' ? null : textToBase64(text())));
            setFile(f.name);
            props.onData(toBase64(new Uint8Array(await f.arrayBuffer())));
          }}
        />
      </div>
      <Show when={props.secret}>
        <p class="muted small">Secret data is sent once and never shown again, not even to you.</p>
      </Show>
    </>
  );
};

export default function Secrets() {
  const ctx = useApp();
  const store = usePageStore(createSecretsStore);
  const [deleting, setDeleting] = createSignal<{ kind: ObjectKind; o: ObjectListing } | null>(null);
  const [rotating, setRotating] = createSignal<{ kind: ObjectKind; o: ObjectListing } | null>(null);
  const [rotateData, setRotateData] = createSignal<string | null>(null);
  onMount(() => void store.load());

  const Section = (props: { kind: ObjectKind }) => {
    const list = () => (props.kind === 'secret' ? store.secrets() : store.configs());
    const keys = createKeyboardList({ count: () => list().length });
    const readable = () => canAny(ctx.session.me(), `${props.kind}s.read`);
    const writable = () => canAny(ctx.session.me(), `${props.kind}s.write`);
    const [name, setName] = createSignal('');
    const [data, setData] = createSignal<string | null>(null);
    const [labels, setLabels] = createSignal('');
    const [tried, setTried] = createSignal(false);
    const [formKey, setFormKey] = createSignal(0);
    const problem = () => (store.problem()?.kind === props.kind ? store.problem() : null);

    const create = async (e: SubmitEvent) => {
      e.preventDefault();
      setTried(true);
      if (!NAME.test(name()) || data() === null) return;
      const parsed = Object.fromEntries(
        labels().split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => [l.slice(0, l.indexOf('=') === -1 ? l.length : l.indexOf('=')), l.includes('=') ? l.slice(l.indexOf('=') + 1) : '']),
      );
      if (await store.create(props.kind, name(), data()!, parsed)) {
        setName('');
        setData(null);
        setLabels('');
        setTried(false);
        setFormKey((k) => k + 1);
      }
    };

    return (
      <Show when={readable()}>
        <section data-testid={`${props.kind}s`}>
          <h2>{TITLE[props.kind]}s</h2>
          <DataTable
            onKeyDown={keys.onKeyDown}
            head={<ColumnHeads names={['Name', 'Version', 'Used by', 'Labels', 'Created']} actions />}
            columns={6}
            each={list()}
            loaded={store.loaded()}
            empty={`No ${props.kind}s.`}
          >
            {(o, i) => (
              <tr {...keys.row(i)} data-name={o.name}>
                <td class="mono">{o.name}</td>
                <td>v{o.version}</td>
                <td>{o.services.join(', ') || <span class="muted">none</span>}</td>
                <td class="mono small">{Object.entries(o.labels).map(([k, v]) => `${k}=${v}`).join(', ')}</td>
                <td title={o.createdAt}>{ago(o.createdAt, ctx.now())}</td>
                <td class="actions">
                  <Show when={props.kind === 'config'}>
                    <button type="button" class="secondary small" onClick={() => void store.inspectConfig(o.name)}>
                      Show data
                    </button>
                  </Show>
                  <Show when={canFor(ctx.session.me(), `${props.kind}s.write`, o)}>
                    <button type="button" class="secondary small" data-testid="rotate" onClick={() => (setRotateData(null), setRotating({ kind: props.kind, o }))}>
                      Rotate
                    </button>
                    <RowDangerButton label="Delete" testid="delete" onClick={() => setDeleting({ kind: props.kind, o })} />
                  </Show>
                </td>
              </tr>
            )}
          </DataTable>
          <Show when={problem()}>
            {(p) => (
              <div data-testid={`${props.kind}-problem`}>
                <Show
                  when={p().error.code === 'in_use'}
                  fallback={<ErrorDetails error={p().error} />}
                >
                  <div class="error-box" role="alert">
                    <strong>
                      {TITLE[props.kind]} {p().name} is in use and was not deleted.
                    </strong>{' '}
                    Remove it from {p().services?.length ? p().services!.join(', ') : 'the services that use it'} first, or rotate it instead.
                  </div>
                </Show>
                <button type="button" class="secondary small" onClick={() => store.clearProblem()}>Dismiss</button>
              </div>
            )}
          </Show>
          <Show when={props.kind === 'config' && store.shown()}>
            {(s) => (
              <div class="card" data-testid="config-data">
                <div class="page-head">
                  <h3>
                    {s().name} v{s().version}
                  </h3>
                  <button type="button" class="secondary small" onClick={() => store.hide()}>Hide</button>
                </div>
                <pre class="mono scroll">{(() => { try { return base64ToText(s().data); } catch { return s().data; } })()}</pre>
              </div>
            )}
          </Show>
          <Show when={writable()}>
            <Show when={formKey() + 1} keyed>
              <form class="card" onSubmit={create} novalidate data-testid={`create-${props.kind}`}>
                <h3>New {props.kind}</h3>
                <div class="field" classList={{ invalid: tried() && !NAME.test(name()) }}>
                  <label for={`${props.kind}-name`}>Name</label>
                  <input id={`${props.kind}-name`} value={name()} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
                  <small class="field-error">{tried() && !NAME.test(name()) ? 'Letters, digits, - and _, at most 60.' : ''}</small>
                </div>
                <DataInput id={`${props.kind}-new`} secret={props.kind === 'secret'} onData={setData} />
                <small class="field-error">{tried() && data() === null ? 'Enter or upload the data.' : ''}</small>
                <div class="field">
                  <label for={`${props.kind}-labels`}>Labels (<code>key=value</code> per line)</label>
                  <textarea id={`${props.kind}-labels`} class="mono" rows={2} value={labels()} onInput={(e) => setLabels(e.currentTarget.value)} />
                </div>
                <button type="submit">Create {props.kind}</button>
              </form>
            </Show>
          </Show>
        </section>
      </Show>
    );
  };

  return (
    <section class="pad">
      <PageHead title="Secrets and configs" onRefresh={() => void store.load()} />
      <p class="muted">
        Each rotation makes a new version (<code>name.vN</code>), moves every service that uses the name to it, and removes the
        versions no service uses.
      </p>
      <Show when={store.error()}>
        <p class="error-box" role="alert">{store.error()}</p>
      </Show>
      <Section kind="secret" />
      <Section kind="config" />

      <Show when={rotating()}>
        {(r) => (
          <ConfirmDialog
            title={`Rotate ${r().kind} ${r().o.name} (now v${r().o.version})?`}
            confirmLabel="Rotate"
            onConfirm={async () => {
              if (rotateData() === null) throw new Error('no data');
              await store.rotate(r().kind, r().o.name, rotateData()!);
            }}
            onClose={() => setRotating(null)}
          >
            <p>
              {r().o.services.length > 0 ? `${r().o.services.join(', ')} will be updated to the new version (a rolling update).` : 'No service uses it yet.'}
            </p>
            <DataInput id="rotate" secret={r().kind === 'secret'} onData={setRotateData} />
          </ConfirmDialog>
        )}
      </Show>
      <Show when={deleting()}>
        {(d) => (
          <ConfirmDialog
            title={`Delete ${d().kind} ${d().o.name}?`}
            confirmLabel="Delete"
            danger
            onConfirm={async () => void (await store.remove(d().kind, d().o.name))}
            onClose={() => setDeleting(null)}
          >
            <p>Every version is removed. A {d().kind} a service uses cannot be deleted.</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}
