import { A, useNavigate } from '@solidjs/router';
import { createMemo, createSignal, For, Index, onMount, Show } from 'solid-js';
import { createKeyboardList } from '../components/keyboard-list.ts';
import { createVirtual } from '../components/virtual-list.tsx';
import { useApp, useStore } from '../context.ts';
import { ProgressBar } from '../components/progress.tsx';
import { ago } from '../logic/format.ts';
import { canAny } from '../logic/permissions.ts';
import { formatPorts, queryServices, shortImage, type ServiceQuery, type ServiceSortKey } from '../logic/services.ts';
import { stackNames, stackOf } from '../logic/stacks.ts';
import { createServicesStore } from '../stores/services.ts';

const ROW = 48;

const COLUMNS: { key: ServiceSortKey | null; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: null, label: 'Stack' },
  { key: 'image', label: 'Image' },
  { key: 'mode', label: 'Mode' },
  { key: 'replicas', label: 'Replicas' },
  { key: null, label: 'Ports' },
  { key: 'updatedAt', label: 'Last update' },
];

export default function Services() {
  const ctx = useApp();
  const store = useStore(createServicesStore);
  const [search, setSearch] = createSignal('');
  const [mode, setMode] = createSignal<ServiceQuery['mode']>('');
  const [state, setState] = createSignal<ServiceQuery['state']>('');
  const [sort, setSort] = createSignal<ServiceSortKey>('name');
  const [descending, setDescending] = createSignal(false);
  const [stack, setStack] = createSignal('');
  const [grouped, setGrouped] = createSignal(false);
  const stacks = createMemo(() => stackNames(store.services()));

  onMount(() => void store.load());

  const rows = createMemo(() =>
    queryServices(store.services(), {
      search: search(),
      mode: mode(),
      state: state(),
      sort: sort(),
      descending: descending(),
      stack: stack(),
      groupByStack: grouped(),
    }),
  );

  // NOTE: only the rows in view are in the DOM (fixed row height), so 1,000 services render as fast as 30.
  const v = createVirtual(() => rows().length, ROW, 640);
  const navigate = useNavigate();
  const keys = createKeyboardList({ count: () => rows().length, open: (i) => rows()[i] && navigate(`/services/${encodeURIComponent(rows()[i]!.id)}`), scrollTo: v.scrollTo });
  const visible = createMemo(() => rows().slice(v.range().start, v.range().end));

  const sortBy = (key: ServiceSortKey) => {
    if (sort() === key) setDescending(!descending());
    else {
      setSort(key);
      setDescending(key === 'updatedAt');
    }
  };

  return (
    <section class="pad">
      <div class="page-head">
        <h1>Services</h1>
        <div class="page-actions">
          <button type="button" class="secondary" onClick={() => void store.load()} disabled={store.loading()}>
            {store.loading() ? 'Refreshing…' : 'Refresh'}
          </button>
          <Show when={canAny(ctx.session.me(), 'services.write')}>
            <A href="/services/new" class="button" data-testid="create-service">
              Create service
            </A>
          </Show>
        </div>
      </div>
      <div class="filters" role="search">
        <div class="field inline">
          <label for="svc-search">Search</label>
          <input id="svc-search" type="search" placeholder="name, image, label or id" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} data-testid="service-search" />
        </div>
        <div class="field inline">
          <label for="svc-mode">Mode</label>
          <select id="svc-mode" value={mode()} onChange={(e) => setMode(e.currentTarget.value as ServiceQuery['mode'])}>
            <option value="">any</option>
            <option value="replicated">replicated</option>
            <option value="global">global</option>
          </select>
        </div>
        <div class="field inline">
          <label for="svc-state">State</label>
          <select id="svc-state" value={state()} onChange={(e) => setState(e.currentTarget.value as ServiceQuery['state'])}>
            <option value="">any</option>
            <option value="converging">converging or updating</option>
            <option value="healthy">all replicas running</option>
            <option value="stopped">scaled to 0</option>
          </select>
        </div>
        <div class="field inline">
          <label for="svc-stack">Stack</label>
          <select id="svc-stack" value={stack()} onChange={(e) => setStack(e.currentTarget.value)} data-testid="service-stack-filter">
            <option value="">any</option>
            <option value="-">no stack</option>
            <For each={stacks()}>{(n) => <option value={n}>{n}</option>}</For>
          </select>
        </div>
        <label class="check inline">
          <input type="checkbox" checked={grouped()} onChange={(e) => setGrouped(e.currentTarget.checked)} data-testid="service-group-stack" /> Group by stack
        </label>
        <p class="muted count" aria-live="polite" data-testid="service-count">
          {rows().length} of {store.services().length} services
        </p>
      </div>
      <Show when={store.error()}>
        <p class="error-box" role="alert">
          {store.error()}
        </p>
      </Show>
      <div class="table-wrap services-scroll" ref={v.bind} onScroll={v.onScroll} onKeyDown={keys.onKeyDown}>
        <table class="services" data-testid="services-table" aria-rowcount={rows().length + 1}>
          <thead>
            <tr aria-rowindex="1">
              <For each={COLUMNS}>
                {(c) => (
                  <th scope="col" aria-sort={c.key && sort() === c.key ? (descending() ? 'descending' : 'ascending') : undefined}>
                    {c.key ? (
                      <button type="button" class="sort" onClick={() => sortBy(c.key!)}>
                        {c.label}
                        <span aria-hidden="true">{sort() === c.key ? (descending() ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <tr class="spacer" aria-hidden="true">
              <td colspan="7" style={{ height: `${v.range().start * ROW}px` }} />
            </tr>
            <Index
              each={visible()}
              fallback={
                <tr>
                  <td colspan="7" class="muted">
                    {store.loaded() ? 'No services match.' : 'Loading…'}
                  </td>
                </tr>
              }
            >
              {(s, i) => (
                <tr {...keys.row(() => v.range().start + i)} data-service={s().name} aria-rowindex={v.range().start + i + 2}>
                  <td class="name-cell">
                    <a href={`/services/${encodeURIComponent(s().id)}`}>{s().name}</a>
                  </td>
                  <td class="ellipsis" data-testid="service-stack">
                    <Show when={stackOf(s())} fallback={<span class="muted">—</span>}>
                      {(n) => (
                        <button type="button" class="linklike" title={`Show only ${n()}`} onClick={() => setStack(n())}>
                          {n()}
                        </button>
                      )}
                    </Show>
                  </td>
                  <td class="mono ellipsis" title={s().image}>
                    {shortImage(s().image)}
                  </td>
                  <td>{s().mode}</td>
                  <td>
                    <ProgressBar service={s()} showMessage />
                  </td>
                  <td class="mono ellipsis">{formatPorts(s().ports) || '—'}</td>
                  <td title={s().updatedAt}>{ago(s().updatedAt, ctx.now())}</td>
                </tr>
              )}
            </Index>
            <tr class="spacer" aria-hidden="true">
              <td colspan="7" style={{ height: `${Math.max(0, rows().length - v.range().end) * ROW}px` }} />
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
