import { createMemo, createSignal, For, Show } from 'solid-js';
import { ApiError } from '../api.ts';
import { foldDiff, formatSpec, hasChanges, parseSpec, specDiff, type SpecFormat, type SpecObject } from '../logic/spec-editor.ts';
import { ErrorDetails } from './error-details.tsx';

/**
 * The raw spec editor: the whole Docker ServiceSpec as JSON or YAML. Saving needs a parsed spec and a look at
 * its diff against the spec the editor started from; the save is at that spec's version, so a change made
 * meanwhile by someone else answers version_conflict instead of being overwritten.
 */
export const SpecEditor = (props: {
  /** The spec and version the edit starts from (taken once: later reloads do not move the base). */
  spec: SpecObject;
  version: number;
  onSave: (version: number, spec: SpecObject) => Promise<void>;
  onCancel: () => void;
}) => {
  // NOTE: copied once on purpose, so a live reload of the page does not move the edit's base under the user.
  const base = structuredClone(props.spec);
  const version = props.version;
  const [format, setFormat] = createSignal<SpecFormat>('yaml');
  const [text, setText] = createSignal(formatSpec(base, 'yaml'));
  const [reviewed, setReviewed] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [switchError, setSwitchError] = createSignal('');

  const parsed = createMemo(() => parseSpec(text(), format()));
  const diff = createMemo(() => {
    const p = parsed();
    return p.ok ? specDiff(base, p.spec, format()) : [];
  });
  const changed = () => hasChanges(diff());
  // The diff shown is of the text reviewed; editing again hides it until the next review.
  const showingDiff = () => reviewed() !== null && reviewed() === text();
  const canSave = () => parsed().ok && changed() && showingDiff() && !saving();

  const switchTo = (next: SpecFormat) => {
    if (next === format()) return;
    const p = parsed();
    if (!p.ok) {
      setSwitchError(`Fix the ${format().toUpperCase()} error first.`);
      return;
    }
    setSwitchError('');
    const wasReviewed = showingDiff();
    setFormat(next);
    setText(formatSpec(p.spec, next));
    setReviewed(wasReviewed ? text() : null);
  };

  const save = async () => {
    const p = parsed();
    if (!p.ok || !canSave()) return;
    setError(null);
    setSaving(true);
    try {
      await props.onSave(version, p.spec);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const conflict = () => {
    const e = error();
    return e instanceof ApiError && e.code === 'version_conflict';
  };

  return (
    <div class="spec-editor" data-testid="spec-editor">
      <div class="toolbar" role="radiogroup" aria-label="Spec format">
        <For each={['yaml', 'json'] as const}>
          {(f) => (
            <label class="check">
              <input type="radio" name="spec-format" value={f} checked={format() === f} onChange={() => switchTo(f)} data-testid={`spec-format-${f}`} />
              {f.toUpperCase()}
            </label>
          )}
        </For>
        <span class="muted">Version {version}: the whole spec is replaced, and the security policy judges it.</span>
      </div>
      <Show when={switchError()}>
        <p class="field-error" role="alert">{switchError()}</p>
      </Show>
      <textarea
        class="spec-text"
        rows={24}
        spellcheck={false}
        aria-label={`Service spec (${format().toUpperCase()})`}
        aria-invalid={!parsed().ok}
        aria-describedby="spec-parse-error"
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setSwitchError('');
        }}
        data-testid="spec-text"
      />
      <p id="spec-parse-error" class="field-error" role="status" data-testid="spec-parse-error">
        {(() => {
          const p = parsed();
          return p.ok ? '' : `${p.line !== undefined ? `Line ${p.line}: ` : ''}${p.message}`;
        })()}
      </p>
      <Show when={showingDiff()}>
        <Show when={changed()} fallback={<p class="muted">No change from the current spec.</p>}>
          <pre class="json scroll spec-diff" tabindex="0" aria-label="Changes from the current spec" data-testid="spec-diff">
            <For each={foldDiff(diff())}>
              {(d) =>
                'hidden' in d ? (
                  <span class="muted">{`  … ${d.hidden} unchanged line${d.hidden === 1 ? '' : 's'}\n`}</span>
                ) : (
                  <span class={`diff-line ${d.kind === 'add' ? 'add' : d.kind === 'remove' ? 'del' : ''}`}>
                    {`${d.kind === 'add' ? '+' : d.kind === 'remove' ? '-' : ' '} ${d.text}\n`}
                  </span>
                )
              }
            </For>
          </pre>
        </Show>
      </Show>
      <ErrorDetails error={error()} />
      <Show when={conflict()}>
        <p class="muted">The service changed since this editor opened: cancel and open it again to start from the new spec.</p>
      </Show>
      <div class="form-actions">
        <button type="button" class="secondary" disabled={!parsed().ok || showingDiff()} onClick={() => setReviewed(text())} data-testid="spec-review">
          Review changes
        </button>
        <button type="button" disabled={!canSave()} onClick={() => void save()} data-testid="spec-save">
          {saving() ? 'Saving…' : 'Save spec'}
        </button>
        <button type="button" class="secondary" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </div>
  );
};
