import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch, type JSX } from 'solid-js';
import { useApp, usePageStore } from '../context.ts';
import { AuditChange } from '../components/audit-change.tsx';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ErrorDetails } from '../components/error-details.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { ServiceForm } from '../components/service-form.tsx';
import { SpecEditor } from '../components/spec-editor.tsx';
import { OUTCOME_ACTION, startedRollouts } from '../logic/audit.ts';
import { describeEvent } from '../logic/events.ts';
import { ago, clock, shortId } from '../logic/format.ts';
import { can, canAny, canFor } from '../logic/permissions.ts';
import { formFromSpec, type ServiceForm as FormState } from '../logic/service-form.ts';
import { formatPorts, shortImage } from '../logic/services.ts';
import { createServiceDetailStore } from '../stores/service-detail.ts';
import type { ServiceDetail as Detail, ServiceInput, Task, TaskHistoryEntry } from '../types.ts';

type ShownTask = Task & { nodeHostname?: string | null; history?: TaskHistoryEntry[]; current?: boolean };
/** A node's hostname where list-tasks gave one, else its short id. */
const nodeName = (t: ShownTask) => t.nodeHostname || shortId(t.nodeId);

type Tab = 'overview' | 'tasks' | 'history' | 'logs' | 'json' | 'edit' | 'spec';

/** Tasks grouped by slot (replicated) or node (global), newest first: the state history of each replica. */
const groupTasks = (tasks: readonly ShownTask[]) => {
  const groups = new Map<string, ShownTask[]>();
  for (const t of tasks) {
    const key = t.slot !== null && t.slot !== undefined ? `Replica ${t.slot}` : `Node ${nodeName(t)}`;
    const list = groups.get(key) ?? [];
    list.push(t);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .map(([key, list]) => ({ key, tasks: list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)) }))
    .sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
};

/** The row under a task that tells its history, as one timeline across the table. */
const TaskTimeline = (props: { testid?: string; children: JSX.Element }) => (
  <tr class="task-events">
    <td colspan="6">
      <ol class="timeline" data-testid={props.testid}>
        {props.children}
      </ol>
    </td>
  </tr>
);

const ReadableSpec = (props: { form: FormState; detail: Detail }) => {
  const f = () => props.form;
  const item = (label: string, value: () => string) => (
    <>
      <dt>{label}</dt>
      <dd class="mono">{value() || '—'}</dd>
    </>
  );
  return (
    <dl class="facts">
      {item('ID', () => props.detail.service.id)}
      {item('Image', () => f().image)}
      {item('Mode', () => (f().mode === 'global' ? 'global' : `replicated, ${f().replicas} replicas`))}
      {item('Command', () => f().command)}
      {item('Arguments', () => f().args)}
      {item('Environment', () => f().env.replace(/\n/g, ', '))}
      {item('Labels', () => f().labels.replace(/\n/g, ', '))}
      {item('Ports', () => formatPorts(props.detail.service.ports))}
      {item('Mounts', () => f().mounts.map((m) => `${m.type} ${m.source || '(anonymous)'} → ${m.target}${m.readOnly ? ' (ro)' : ''}`).join(', '))}
      {item('Constraints', () => f().constraints.replace(/\n/g, ', '))}
      {item('CPU limit / reservation', () => [f().limitCpus || '—', f().reserveCpus || '—'].join(' / '))}
      {item('Memory limit / reservation', () => [f().limitMemory || '—', f().reserveMemory || '—'].join(' / '))}
      {item('Networks', () => f().networks)}
      {item('Created', () => props.detail.service.createdAt)}
      {item('Updated', () => props.detail.service.updatedAt)}
      {item('Version', () => String(props.detail.service.version))}
      {item('Update state', () => (props.detail.service.updateStatus ? `${props.detail.service.updateStatus.state}: ${props.detail.service.updateStatus.message}` : ''))}
    </dl>
  );
};

export default function ServiceDetail() {
  const ctx = useApp();
  const store = usePageStore(createServiceDetailStore);
  const { detail, loadError, actionError, busy, replicas, setReplicas, history, logs } = store;
  const params = useParams();
  const navigate = useNavigate();
  const [tab, setTab] = createSignal<Tab>('overview');
  const [confirm, setConfirm] = createSignal<null | 'delete' | 'rollback' | 'restart'>(null);
  // A scoped services.write covers only the services it matches: no buttons for the others.
  const writable = () => {
    const d = detail();
    return d ? canFor(ctx.session.me(), 'services.write', d.service) : false;
  };
  const id = () => decodeURIComponent(params.id ?? '');

  createEffect(on(id, (next) => store.select(next)));
  /** Saves the server's plain text of the log as <service>.log. */
  const downloadLogs = async () => {
    const blob = await store.downloadLogs();
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${detail()?.service.name ?? id()}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  createEffect(on(tab, (t) => store.showLogs(t === 'logs')));
  createEffect(on(tab, (t) => store.showTasks(t === 'tasks')));

  const scale = (e: SubmitEvent) => {
    e.preventDefault();
    void store.scale();
  };

  const form = createMemo(() => {
    const d = detail();
    return d ? formFromSpec(d.service.spec) : null;
  });

  const tasksGrouped = createMemo(() => groupTasks(store.tasks() ?? detail()?.tasks ?? []));
  const taskEvents = (taskId: string) => history().filter((e) => e.actor.attributes?.['com.docker.swarm.task.id'] === taskId);

  const TabButton = (p: { value: Tab; label: string }) => (
    <button
      type="button"
      role="tab"
      id={`tab-${p.value}`}
      aria-selected={tab() === p.value}
      aria-controls="tab-panel"
      tabindex={tab() === p.value ? 0 : -1}
      classList={{ tab: true, active: tab() === p.value }}
      onClick={() => setTab(p.value)}
    >
      {p.label}
    </button>
  );
  const tabs = (): { value: Tab; label: string }[] => [
    { value: 'overview', label: 'Overview' },
    { value: 'tasks', label: 'Tasks' },
    { value: 'history', label: 'History' },
    { value: 'logs', label: 'Logs' },
    { value: 'json', label: 'Raw JSON' },
    ...(writable() ? [{ value: 'edit' as Tab, label: 'Edit' }, { value: 'spec' as Tab, label: 'Edit spec' }] : []),
  ];
  const onTabKey = (e: KeyboardEvent) => {
    const list = tabs().map((t) => t.value);
    const i = list.indexOf(tab());
    const next = e.key === 'ArrowRight' ? list[(i + 1) % list.length] : e.key === 'ArrowLeft' ? list[(i - 1 + list.length) % list.length] : null;
    if (next) {
      e.preventDefault();
      setTab(next);
      document.getElementById(`tab-${next}`)?.focus();
    }
  };

  return (
    <section class="pad">
      <p class="crumbs">
        <A href="/services">Services</A> /
      </p>
      <Show when={loadError() && !detail()}>
        <ErrorDetails error={loadError()} />
      </Show>
      <Show when={detail()} fallback={<Show when={!loadError()}><p class="muted">Loading…</p></Show>}>
        {(d) => (
          <>
            <div class="page-head">
              <h1 data-testid="service-name">{d().service.name}</h1>
              <ProgressBar service={d().service} showMessage />
            </div>
            <Show when={loadError()}>
              <ErrorDetails error={loadError()} />
            </Show>
            <p class="muted">
              {shortImage(d().service.image)} · {d().service.mode} · updated {ago(d().service.updatedAt, ctx.now())}
            </p>
            <Show when={writable()}>
              <div class="toolbar" role="toolbar" aria-label="Service actions">
                <Show when={d().service.mode === 'replicated'}>
                  <form class="inline-form" onSubmit={scale}>
                    <label for="scale-replicas">Replicas</label>
                    <input id="scale-replicas" type="number" min="0" inputmode="numeric" class="narrow-input" value={replicas()} onInput={(e) => setReplicas(e.currentTarget.value)} data-testid="scale-input" />
                    <button type="submit" disabled={busy() !== null} data-testid="scale-submit">
                      Scale
                    </button>
                  </form>
                </Show>
                <button type="button" class="secondary" disabled={busy() !== null} onClick={() => setConfirm('restart')}>
                  Restart
                </button>
                <button type="button" class="secondary" disabled={busy() !== null} onClick={() => setConfirm('rollback')}>
                  Roll back
                </button>
                <button type="button" class="secondary" disabled={busy() !== null} onClick={() => setTab('edit')}>
                  Edit
                </button>
                <button type="button" class="danger" disabled={busy() !== null} onClick={() => setConfirm('delete')} data-testid="delete-service">
                  Delete
                </button>
              </div>
            </Show>
            <ErrorDetails error={actionError()} />

            <div role="tablist" aria-label="Service views" class="tabs" onKeyDown={onTabKey}>
              <For each={tabs()}>{(t) => <TabButton value={t.value} label={t.label} />}</For>
            </div>
            <div id="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab()}`} class="tab-panel">
              <Switch>
                <Match when={tab() === 'overview'}>
                  <ReadableSpec form={form()!} detail={d()} />
                </Match>
                <Match when={tab() === 'tasks'}>
                  <For each={tasksGrouped()} fallback={<p class="muted">No tasks.</p>}>
                    {(g) => (
                      <div class="task-group">
                        <h3>{g.key}</h3>
                        <table class="tasks">
                          <thead>
                            <tr>
                              <th scope="col">Task</th>
                              <th scope="col">Node</th>
                              <th scope="col">State</th>
                              <th scope="col">Desired</th>
                              <th scope="col">Message / error</th>
                              <th scope="col">Updated</th>
                            </tr>
                          </thead>
                          <tbody>
                            <For each={g.tasks}>
                              {(t) => (
                                <>
                                  <tr classList={{ failed: !!t.error || t.state === 'failed' || t.state === 'rejected' }}>
                                    <td class="mono">{shortId(t.id)}</td>
                                    <td class="mono" title={t.nodeId ?? ''}>{nodeName(t)}</td>
                                    <td>
                                      <span class={`state state-${t.state}`}>{t.state}</span>
                                    </td>
                                    <td>{t.desiredState}</td>
                                    <td>
                                      {t.message}
                                      <Show when={t.error}>
                                        <span class="field-error"> {t.error}</span>
                                      </Show>
                                    </td>
                                    <td title={t.updatedAt}>{ago(t.updatedAt, ctx.now())}</td>
                                  </tr>
                                  <Show when={(t.history?.length ?? 0) > 1 || t.history?.some((h) => h.error || h.exitCode !== undefined)}>
                                    <TaskTimeline testid="task-history">
                                      <For each={t.history}>
                                        {(h) => (
                                          <li>
                                            <span class="mono" title={h.time}>{clock(h.time)}</span> {h.state}
                                            {h.exitCode !== undefined ? ` (exit ${h.exitCode})` : ''}
                                            <Show when={h.error}>
                                              <span class="field-error"> {h.error}</span>
                                            </Show>
                                          </li>
                                        )}
                                      </For>
                                    </TaskTimeline>
                                  </Show>
                                  <Show when={!t.history && taskEvents(t.id).length > 0}>
                                    <TaskTimeline>
                                      <For each={taskEvents(t.id)}>
                                        {(e) => (
                                          <li>
                                            <span class="mono">{clock(e.time)}</span> {e.action}
                                            {e.actor.attributes?.exitCode !== undefined ? ` (exit ${e.actor.attributes.exitCode})` : ''}
                                          </li>
                                        )}
                                      </For>
                                    </TaskTimeline>
                                  </Show>
                                </>
                              )}
                            </For>
                          </tbody>
                        </table>
                      </div>
                    )}
                  </For>
                </Match>
                <Match when={tab() === 'history'}>
                  <Show when={canAny(ctx.session.me(), 'events.read')} fallback={<p class="muted">Stored events need the events.read permission.</p>}>
                    <ol class="timeline" data-testid="service-history">
                      <For each={[...history()].reverse()} fallback={<li class="muted">No stored events yet.</li>}>
                        {(e) => (
                          <li>
                            <span class="mono">{clock(e.time)}</span> <span class="muted">{e.time.slice(0, 10)}</span> {describeEvent(e)}
                            <Show when={e.type === 'audit' && e.action !== OUTCOME_ACTION && (e.actor.attributes?.before !== undefined || e.actor.attributes?.after !== undefined || startedRollouts(e))}>
                              <details class="audit-change">
                                <summary>Outcome and changes</summary>
                                <AuditChange event={e} events={history()} />
                              </details>
                            </Show>
                          </li>
                        )}
                      </For>
                    </ol>
                    <Show when={store.historyMore()}>
                      <button type="button" class="secondary" onClick={() => void store.loadOlderHistory()}>
                        Load older
                      </button>
                    </Show>
                  </Show>
                </Match>
                <Match when={tab() === 'logs'}>
                  <div class="toolbar">
                    <label for="log-search" class="sr-only">Search the log</label>
                    <input
                      id="log-search"
                      type="search"
                      placeholder="search the lines shown"
                      value={store.logSearch()}
                      onInput={(e) => store.setLogSearch(e.currentTarget.value)}
                      data-testid="log-search"
                    />
                    <button type="button" class="secondary" onClick={() => store.pauseLogs(!store.logsPaused())} data-testid="log-pause">
                      {store.logsPaused() ? 'Resume' : 'Pause'}
                    </button>
                    <button type="button" class="secondary" onClick={() => void downloadLogs()} data-testid="log-download">
                      Download
                    </button>
                    <span class="muted" role="status" data-testid="log-state">
                      {store.logState() === 'following' ? `Following every task · ${logs().length} lines kept`
                        : store.logState() === 'paused' ? 'Paused'
                        : store.logState() === 'error' ? `Reconnecting: ${store.logError() ?? ''}` : ''}
                    </span>
                  </div>
                  <pre class="logs" tabindex="0" aria-label="Service log" data-testid="logs">
                    <For each={store.visibleLogs()} fallback={<span class="muted">No log lines.</span>}>
                      {(l) => (
                        <span class={`log-line log-${l.stream}`}>
                          {clock(l.time)} {shortId(l.taskId)} {l.text}
                          {'\n'}
                        </span>
                      )}
                    </For>
                  </pre>
                </Match>
                <Match when={tab() === 'json'}>
                  <pre class="json" tabindex="0" aria-label="Raw service JSON">
                    {JSON.stringify(d().service, null, 2)}
                  </pre>
                </Match>
                <Match when={tab() === 'edit'}>
                  <ServiceForm
                    initial={form()!}
                    editing
                    privileged={can(ctx.session.me(), 'services.privileged')}
                    submitLabel="Update service"
                    onCancel={() => setTab('overview')}
                    onSubmit={async (input: ServiceInput) => {
                      await store.update(input);
                      setTab('overview');
                      await store.load();
                    }}
                  />
                </Match>
                <Match when={tab() === 'spec'}>
                  <SpecEditor
                    spec={d().service.spec}
                    version={d().service.version}
                    onCancel={() => setTab('overview')}
                    onSave={async (version, spec) => {
                      await store.replaceSpec(version, spec);
                      setTab('overview');
                      await store.load();
                    }}
                  />
                </Match>
              </Switch>
            </div>

            <Show when={confirm() === 'delete'}>
              <ConfirmDialog
                title={`Delete ${d().service.name}?`}
                confirmLabel="Delete service"
                danger
                typeToConfirm={d().service.name}
                onClose={() => setConfirm(null)}
                onConfirm={async () => {
                  if (await store.remove()) navigate('/services');
                }}
              >
                <p>All its tasks stop. This cannot be undone.</p>
              </ConfirmDialog>
            </Show>
            <Show when={confirm() === 'restart' || confirm() === 'rollback'}>
              <ConfirmDialog
                title={confirm() === 'restart' ? `Restart ${d().service.name}?` : `Roll back ${d().service.name}?`}
                confirmLabel={confirm() === 'restart' ? 'Restart' : 'Roll back'}
                onClose={() => setConfirm(null)}
                onConfirm={() => (confirm() === 'restart' ? store.restart() : store.rollback())}
              >
                <p>{confirm() === 'restart' ? 'Every task is replaced, following the update policy.' : 'The service returns to its previous spec.'}</p>
              </ConfirmDialog>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
