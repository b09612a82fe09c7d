import { createMemo, createSignal, For, Show } from 'solid-js';
import { useApp, useStore } from '../context.ts';
import { Sparkline } from '../components/sparkline.tsx';
import { createKeyboardList } from '../components/keyboard-list.ts';
import { VirtualList } from '../components/virtual-list.tsx';
import { AuditChange } from '../components/audit-change.tsx';
import { describeAudit, describeEvent, eventNodeLabel, eventService, filterEvents, perMinute } from '../logic/events.ts';
import { clock } from '../logic/format.ts';
import { createEventsStore } from '../stores/events.ts';
import { createServicesStore } from '../stores/services.ts';
import { createNodesStore } from '../stores/nodes.ts';
import { canAny } from '../logic/permissions.ts';
import type { Event } from '../types.ts';

const ROW = 30;

const isAudit = (e: Event) => e.scope === 'audit' || e.type === 'audit';
// Shown as the diff and the outcomes instead of raw JSON.
const SHOWN_APART = new Set(['before', 'after', 'rollouts']);

export default function Events() {
  const ctx = useApp();
  const store = useStore(createEventsStore);
  const [type, setType] = createSignal('');
  const [action, setAction] = createSignal('');
  const [service, setService] = createSignal('');
  const [node, setNode] = createSignal('');
  const [paused, setPaused] = createSignal<readonly Event[] | null>(null);
  const [selected, setSelected] = createSignal<Event | null>(null);

  const source = () => paused() ?? store.items();
  const types = createMemo(() => [...new Set(store.items().map((e) => e.type))].sort());
  // NOTE: some events name a service only by id (audit events of scale, update, …): resolve ids to names.
  const services = canAny(ctx.session.me(), 'services.read') ? useStore(createServicesStore) : null;
  if (services && !services.loaded() && !services.loading()) void services.load();
  const names = createMemo(() => new Map((services?.services() ?? []).map((s) => [s.id, s.name])));
  // …and node ids to hostnames, for those who may list nodes.
  const nodes = canAny(ctx.session.me(), 'nodes.read') ? useStore(createNodesStore) : null;
  if (nodes && !nodes.loaded()) void nodes.load();
  const hostnames = createMemo(() => new Map((nodes?.nodes() ?? []).map((n) => [n.id, n.hostname])));
  const hostname = (id: string) => hostnames().get(id);
  const filtered = createMemo(() =>
    filterEvents(source(), { type: type(), action: action(), service: service(), node: node() }, { service: (id) => names().get(id), node: hostname }),
  );
  /** One line for a row; audit targets given by service id show the service's name. */
  const what = (e: Event) => {
    if (!isAudit(e)) return describeEvent(e);
    const text = describeAudit(e);
    const a = e.actor.attributes ?? {};
    const name = a['target.type'] === 'service' && a['target.id'] ? names().get(a['target.id']) : undefined;
    return name ? text.replace(`service:${a['target.id']}`, `service ${name}`) : text;
  };
  const newestFirst = createMemo(() => filtered().slice().reverse());
  let scrollTo = (_: number) => {};
  const keys = createKeyboardList({ count: () => newestFirst().length, open: (i) => setSelected(newestFirst()[i] ?? null), scrollTo: (i) => scrollTo(i) });
  const waiting = () => (paused() ? store.items().length - paused()!.length : 0);
  const series = createMemo(() => perMinute(filtered(), ctx.now(), 60));

  const togglePause = () => setPaused(paused() ? null : store.items());

  return (
    <section class="pad events-page">
      <div class="page-head">
        <h1>Events</h1>
        <Sparkline values={series()} label="Events per minute, last hour" />
      </div>
      <div class="filters" role="search">
        <div class="field inline">
          <label for="ev-type">Type</label>
          <select id="ev-type" value={type()} onChange={(e) => setType(e.currentTarget.value)} data-testid="event-type">
            <option value="">any</option>
            <For each={types()}>{(t) => <option value={t}>{t}</option>}</For>
          </select>
        </div>
        <div class="field inline">
          <label for="ev-action">Action</label>
          <input id="ev-action" value={action()} onInput={(e) => setAction(e.currentTarget.value)} placeholder="e.g. update" />
        </div>
        <div class="field inline">
          <label for="ev-service">Service</label>
          <input id="ev-service" value={service()} onInput={(e) => setService(e.currentTarget.value)} placeholder="name or id" data-testid="event-service" />
        </div>
        <div class="field inline">
          <label for="ev-node">Node</label>
          <input id="ev-node" value={node()} onInput={(e) => setNode(e.currentTarget.value)} placeholder="name or id" />
        </div>
        <button type="button" class="secondary" onClick={togglePause} aria-pressed={paused() !== null} data-testid="pause">
          {paused() ? `Resume${waiting() > 0 ? ` (${waiting()} new)` : ''}` : 'Pause'}
        </button>
        <button type="button" class="secondary" disabled={store.loadingOlder()} onClick={() => void store.loadOlder(1)}>
          {store.loadingOlder() ? 'Loading…' : 'Load an earlier hour'}
        </button>
      </div>
      <p class="muted count" aria-live="polite" data-testid="event-count">
        {filtered().length} of {source().length} events
        <Show when={store.historyFrom()}>{(from) => ` · stored history loaded from ${new Date(from()).toISOString().slice(0, 16).replace('T', ' ')} UTC`}</Show>
      </p>
      <div class="events-layout">
        <div class="event-list">
          <div class="event-row event-head" aria-hidden="true">
            <span>Time (UTC)</span>
            <span>Type</span>
            <span>Action</span>
            <span>What</span>
          </div>
          <VirtualList items={newestFirst()} rowHeight={ROW} label="Events, newest first" class="events-vlist" onKeyDown={keys.onKeyDown} controls={(c) => (scrollTo = c.scrollTo)}>
            {(e, i) => (
              <div
                {...keys.row(i)}
                role="listitem"
                class="event-row"
                classList={{ audit: isAudit(e()), selected: selected()?.id === e().id }}
                data-event-type={e().type}
              >
                <span class="mono">{clock(e().time)}</span>
                <span class={`chip type-${e().type}`}>{e().type}</span>
                <span>{e().action}</span>
                <button type="button" class="linklike" onClick={() => setSelected(e())} title={what(e())}>
                  {what(e())}
                </button>
              </div>
            )}
          </VirtualList>
        </div>
        <Show when={selected()}>
          {(e) => (
            <aside class="card event-detail" aria-label="Event detail">
              <div class="page-head">
                <h2>{isAudit(e()) ? 'Audit event' : `${e().type} ${e().action}`}</h2>
                <button type="button" class="icon" aria-label="Close detail" onClick={() => setSelected(null)}>
                  ×
                </button>
              </div>
              <Show when={isAudit(e())}>
                <p data-testid="audit-summary">{what(e())}</p>
              </Show>
              <AuditChange event={e()} events={store.items()} />
              <dl class="facts">
                <dt>Time</dt>
                <dd class="mono">{e().time}</dd>
                <dt>Scope</dt>
                <dd>{e().scope}</dd>
                <dt>Actor</dt>
                <dd class="mono">{e().actor.id}</dd>
                <Show when={eventService(e())}>
                  {(s) => (
                    <>
                      <dt>Service</dt>
                      <dd class="mono">{s().name ?? s().id}</dd>
                    </>
                  )}
                </Show>
                <Show when={eventNodeLabel(e(), hostname)}>
                  {(label) => (
                    <>
                      <dt>Node</dt>
                      <dd class="mono">{label()}</dd>
                    </>
                  )}
                </Show>
                <For each={Object.entries(e().actor.attributes ?? {}).filter(([k]) => !isAudit(e()) || !SHOWN_APART.has(k))}>
                  {([k, v]) => (
                    <>
                      <dt class="mono">{k}</dt>
                      <dd class="mono">{v}</dd>
                    </>
                  )}
                </For>
                <dt>Id</dt>
                <dd class="mono">{e().id}</dd>
              </dl>
            </aside>
          )}
        </Show>
      </div>
    </section>
  );
}
