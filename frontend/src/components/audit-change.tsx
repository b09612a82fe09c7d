/** An audit entry's outcome (one line per rollout it started) and its change as a table of fields. */
import { For, Show } from 'solid-js';
import { auditDiff, describeOutcome, outcomesOf, startedRollouts } from '../logic/audit.ts';
import type { Event } from '../types.ts';

export function AuditChange(props: { event: Event; events: readonly Event[] }) {
  return (
    <>
      <Show when={startedRollouts(props.event)}>
        <div class="audit-outcomes" data-testid="audit-outcomes">
          <h3>Outcome</h3>
          <Show when={outcomesOf(props.event, props.events).length > 0} fallback={<p class="muted">Rollout under way (or its outcome is not loaded).</p>}>
            <ul>
              <For each={outcomesOf(props.event, props.events)}>
                {(o) => (
                  <li>
                    <span class={`chip outcome ${describeOutcome(o.outcome).ok ? 'ok' : 'bad'}`}>{describeOutcome(o.outcome).label}</span>{' '}
                    <span class="mono">{o.service}</span>
                    <Show when={o.message}>{(m) => <span class="muted"> · {m()}</span>}</Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </Show>
      <Show when={auditDiff(props.event)}>
        {(lines) => (
          <div class="audit-diff" data-testid="audit-diff">
            <h3>Changes</h3>
            <Show when={lines().length > 0} fallback={<p class="muted">No change.</p>}>
              <table>
                <thead>
                  <tr>
                    <th>Field</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={lines()}>
                    {(l) => (
                      <tr class={`diff-${l.kind}`}>
                        <td class="mono">{l.path || '(whole)'}</td>
                        <td class="mono">{l.before ?? ''}</td>
                        <td class="mono">{l.after ?? ''}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </div>
        )}
      </Show>
    </>
  );
}
