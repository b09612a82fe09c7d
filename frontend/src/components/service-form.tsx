import { createSignal, For, Show, type JSX } from 'solid-js';
import { createStore, produce, unwrap } from 'solid-js/store';
import { ApiError } from '../api.ts';
import {
  serverFieldErrors, toServiceInput, type FormErrors, type MountRow, type PortRow, type ServiceForm as FormState,
} from '../logic/service-form.ts';
import type { ServiceInput } from '../types.ts';
import { ErrorDetails } from './error-details.tsx';

let formIds = 0;

/**
 * The form over every ServiceInput field, for create and edit. Validates on submit (and per field once
 * touched) with the same rules as the server, then calls `onSubmit`; server field errors land on their fields.
 */
export const ServiceForm = (props: {
  initial: FormState;
  editing?: boolean;
  privileged: boolean;
  submitLabel: string;
  onSubmit: (input: ServiceInput) => Promise<void>;
  onCancel?: () => void;
}) => {
  const uid = `sf${++formIds}`;
  const [form, setForm] = createStore<FormState>(structuredClone(props.initial));
  const [errors, setErrors] = createSignal<FormErrors>({});
  const [submitted, setSubmitted] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [serverError, setServerError] = createSignal<unknown>(null);

  const revalidate = () => {
    if (submitted()) setErrors(toServiceInput(unwrap(form), { privileged: props.privileged }).errors);
  };
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm(key, value as never);
    revalidate();
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerError(null);
    const { input, errors: found } = toServiceInput(unwrap(form), { privileged: props.privileged });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = document.querySelector<HTMLElement>(`#${uid} [aria-invalid="true"]`);
      first?.focus();
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(input);
    } catch (err) {
      setServerError(err);
      if (err instanceof ApiError && err.code === 'validation_failed') {
        setErrors(serverFieldErrors(err.details).fields);
      }
    } finally {
      setBusy(false);
    }
  };

  const id = (path: string) => `${uid}-${path.replace(/\./g, '-')}`;
  const err = (path: string) => errors()[path];

  const Field = (p: { path: string; label: string; hint?: string; children: (attrs: Record<string, unknown>) => JSX.Element }) => (
    <div class="field" classList={{ invalid: !!err(p.path) }}>
      <label for={id(p.path)}>{p.label}</label>
      {p.children({
        get id() {
          return id(p.path);
        },
        get 'aria-invalid'() {
          return err(p.path) ? 'true' : 'false';
        },
        get 'aria-describedby'() {
          return `${id(p.path)}-msg`;
        },
      })}
      <small id={`${id(p.path)}-msg`} class={err(p.path) ? 'field-error' : 'hint'}>
        {err(p.path) ?? p.hint ?? ''}
      </small>
    </div>
  );

  const addPort = () => setForm('ports', (ports) => [...ports, { published: '', target: '', protocol: 'tcp', mode: 'ingress' } as PortRow]);
  const addMount = () => setForm('mounts', (mounts) => [...mounts, { type: 'volume', source: '', target: '', readOnly: false } as MountRow]);

  return (
    <form id={uid} class="service-form" onSubmit={submit} novalidate data-testid="service-form">
      <fieldset>
        <legend>Service</legend>
        <div class="grid2">
          <Field path="name" label="Name" hint={props.editing ? 'A service cannot be renamed.' : 'e.g. web'}>
            {(a) => <input {...a} value={form.name} disabled={props.editing} onInput={(e) => set('name', e.currentTarget.value)} autocomplete="off" />}
          </Field>
          <Field path="image" label="Image" hint="e.g. local/busybox:1">
            {(a) => <input {...a} value={form.image} onInput={(e) => set('image', e.currentTarget.value)} autocomplete="off" />}
          </Field>
          <Field path="mode" label="Mode">
            {(a) => (
              <select {...a} value={form.mode} disabled={props.editing} onChange={(e) => set('mode', e.currentTarget.value as FormState['mode'])}>
                <option value="replicated">replicated</option>
                <option value="global">global</option>
              </select>
            )}
          </Field>
          <Show when={form.mode === 'replicated'}>
            <Field path="replicas" label="Replicas">
              {(a) => <input {...a} type="number" min="0" inputmode="numeric" value={form.replicas} onInput={(e) => set('replicas', e.currentTarget.value)} />}
            </Field>
          </Show>
          <Field path="command" label="Command" hint="Words as in a shell, e.g. sleep 3600">
            {(a) => <input {...a} value={form.command} onInput={(e) => set('command', e.currentTarget.value)} autocomplete="off" />}
          </Field>
          <Field path="args" label="Arguments">
            {(a) => <input {...a} value={form.args} onInput={(e) => set('args', e.currentTarget.value)} autocomplete="off" />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Environment and labels</legend>
        <div class="grid2">
          <Field path="env" label="Environment" hint="KEY=VALUE, one a line">
            {(a) => <textarea {...a} rows="3" value={form.env} onInput={(e) => set('env', e.currentTarget.value)} />}
          </Field>
          <Field path="labels" label="Labels" hint="key=value, one a line">
            {(a) => <textarea {...a} rows="3" value={form.labels} onInput={(e) => set('labels', e.currentTarget.value)} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Ports</legend>
        <For each={form.ports}>
          {(_p, i) => (
            <div class="row-fields">
              <Field path={`ports.${i()}.published`} label="Published">
                {(a) => <input {...a} inputmode="numeric" value={form.ports[i()]!.published} onInput={(e) => { setForm('ports', i(), 'published', e.currentTarget.value); revalidate(); }} />}
              </Field>
              <Field path={`ports.${i()}.target`} label="Target">
                {(a) => <input {...a} inputmode="numeric" value={form.ports[i()]!.target} onInput={(e) => { setForm('ports', i(), 'target', e.currentTarget.value); revalidate(); }} />}
              </Field>
              <Field path={`ports.${i()}.protocol`} label="Protocol">
                {(a) => (
                  <select {...a} value={form.ports[i()]!.protocol} onChange={(e) => { setForm('ports', i(), 'protocol', e.currentTarget.value as PortRow['protocol']); revalidate(); }}>
                    <option>tcp</option>
                    <option>udp</option>
                    <option>sctp</option>
                  </select>
                )}
              </Field>
              <Field path={`ports.${i()}.mode`} label="Publish mode">
                {(a) => (
                  <select {...a} value={form.ports[i()]!.mode} onChange={(e) => { setForm('ports', i(), 'mode', e.currentTarget.value as PortRow['mode']); revalidate(); }}>
                    <option>ingress</option>
                    <option>host</option>
                  </select>
                )}
              </Field>
              <button type="button" class="secondary small" aria-label={`Remove port ${i() + 1}`} onClick={() => { setForm('ports', (ps) => ps.filter((_, j) => j !== i())); revalidate(); }}>
                Remove
              </button>
            </div>
          )}
        </For>
        <button type="button" class="secondary small" onClick={addPort}>
          Add port
        </button>
      </fieldset>

      <fieldset>
        <legend>Mounts</legend>
        <For each={form.mounts}>
          {(_m, i) => (
            <div class="row-fields">
              <Field path={`mounts.${i()}.type`} label="Type">
                {(a) => (
                  <select {...a} value={form.mounts[i()]!.type} onChange={(e) => { setForm('mounts', i(), 'type', e.currentTarget.value as MountRow['type']); revalidate(); }}>
                    <option>volume</option>
                    <option>tmpfs</option>
                    <option>bind</option>
                  </select>
                )}
              </Field>
              <Field path={`mounts.${i()}.source`} label="Source">
                {(a) => <input {...a} value={form.mounts[i()]!.source} onInput={(e) => { setForm('mounts', i(), 'source', e.currentTarget.value); revalidate(); }} />}
              </Field>
              <Field path={`mounts.${i()}.target`} label="Target">
                {(a) => <input {...a} value={form.mounts[i()]!.target} onInput={(e) => { setForm('mounts', i(), 'target', e.currentTarget.value); revalidate(); }} />}
              </Field>
              <label class="check">
                <input type="checkbox" checked={form.mounts[i()]!.readOnly} onChange={(e) => setForm('mounts', i(), 'readOnly', e.currentTarget.checked)} />
                Read-only
              </label>
              <button type="button" class="secondary small" aria-label={`Remove mount ${i() + 1}`} onClick={() => { setForm('mounts', produce((ms) => void ms.splice(i(), 1))); revalidate(); }}>
                Remove
              </button>
            </div>
          )}
        </For>
        <button type="button" class="secondary small" onClick={addMount}>
          Add mount
        </button>
      </fieldset>

      <fieldset>
        <legend>Placement, resources and networks</legend>
        <div class="grid2">
          <Field path="constraints" label="Placement constraints" hint="One a line, e.g. node.role==manager">
            {(a) => <textarea {...a} rows="2" value={form.constraints} onInput={(e) => set('constraints', e.currentTarget.value)} />}
          </Field>
          <Field path="networks" label="Networks" hint="Names, comma-separated">
            {(a) => <input {...a} value={form.networks} onInput={(e) => set('networks', e.currentTarget.value)} />}
          </Field>
          <Field path="resources.limits.cpus" label="CPU limit" hint="e.g. 0.5">
            {(a) => <input {...a} inputmode="decimal" value={form.limitCpus} onInput={(e) => set('limitCpus', e.currentTarget.value)} />}
          </Field>
          <Field path="resources.limits.memoryBytes" label="Memory limit" hint="e.g. 256M">
            {(a) => <input {...a} value={form.limitMemory} onInput={(e) => set('limitMemory', e.currentTarget.value)} />}
          </Field>
          <Field path="resources.reservations.cpus" label="CPU reservation">
            {(a) => <input {...a} inputmode="decimal" value={form.reserveCpus} onInput={(e) => set('reserveCpus', e.currentTarget.value)} />}
          </Field>
          <Field path="resources.reservations.memoryBytes" label="Memory reservation">
            {(a) => <input {...a} value={form.reserveMemory} onInput={(e) => set('reserveMemory', e.currentTarget.value)} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Secrets, configs and placement preferences</legend>
        <div class="grid2">
          <Field path="secrets" label="Secrets" hint="One a line: name, or name:file under /run/secrets">
            {(a) => <textarea {...a} rows="2" value={form.secrets} onInput={(e) => set('secrets', e.currentTarget.value)} />}
          </Field>
          <Field path="configs" label="Configs" hint="One a line: name, or name:/absolute/path">
            {(a) => <textarea {...a} rows="2" value={form.configs} onInput={(e) => set('configs', e.currentTarget.value)} />}
          </Field>
          <Field path="placementPreferences" label="Spread tasks over" hint="One a line, e.g. node.labels.zone">
            {(a) => <textarea {...a} rows="2" value={form.preferences} onInput={(e) => set('preferences', e.currentTarget.value)} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Restart policy and healthcheck</legend>
        <div class="grid2">
          <Field path="restartPolicy.condition" label="Restart">
            {(a) => (
              <select {...a} value={form.restartCondition} onChange={(e) => set('restartCondition', e.currentTarget.value as FormState['restartCondition'])}>
                <option value="">engine default</option><option value="any">any</option><option value="on-failure">on-failure</option><option value="none">none</option>
              </select>
            )}
          </Field>
          <Field path="restartPolicy.maxAttempts" label="Max restart attempts" hint="0 is unlimited">
            {(a) => <input {...a} inputmode="numeric" value={form.restartMaxAttempts} onInput={(e) => set('restartMaxAttempts', e.currentTarget.value)} />}
          </Field>
          <Field path="restartPolicy.delaySeconds" label="Restart delay (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.restartDelay} onInput={(e) => set('restartDelay', e.currentTarget.value)} />}
          </Field>
          <Field path="restartPolicy.windowSeconds" label="Restart window (s)" hint="How long a restart must run to count">
            {(a) => <input {...a} inputmode="decimal" value={form.restartWindow} onInput={(e) => set('restartWindow', e.currentTarget.value)} />}
          </Field>
          <Field path="healthcheck" label="Healthcheck command" hint={form.healthKind === 'CMD' ? 'Split into words and run as they are; exit 0 is healthy' : 'Run by the shell; exit 0 is healthy'}>
            {(a) => <input {...a} value={form.healthCommand} onInput={(e) => set('healthCommand', e.currentTarget.value)} />}
          </Field>
          <Field path="healthKind" label="Healthcheck runs">
            {(a) => (
              <select {...a} value={form.healthKind} onChange={(e) => set('healthKind', e.currentTarget.value as FormState['healthKind'])}>
                <option value="CMD-SHELL">in a shell (CMD-SHELL)</option><option value="CMD">as words (CMD)</option>
              </select>
            )}
          </Field>
          <Field path="healthcheck.intervalSeconds" label="Healthcheck interval (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.healthInterval} onInput={(e) => set('healthInterval', e.currentTarget.value)} />}
          </Field>
          <Field path="healthcheck.retries" label="Healthcheck retries">
            {(a) => <input {...a} inputmode="numeric" value={form.healthRetries} onInput={(e) => set('healthRetries', e.currentTarget.value)} />}
          </Field>
          <Field path="healthcheck.timeoutSeconds" label="Healthcheck timeout (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.healthTimeout} onInput={(e) => set('healthTimeout', e.currentTarget.value)} />}
          </Field>
          <Field path="healthcheck.startPeriodSeconds" label="Healthcheck start period (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.healthStartPeriod} onInput={(e) => set('healthStartPeriod', e.currentTarget.value)} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Updates and rollbacks</legend>
        <div class="grid2">
          <Field path="updateConfig.parallelism" label="Update parallelism" hint="0 updates all at once">
            {(a) => <input {...a} inputmode="numeric" value={form.updateParallelism} onInput={(e) => set('updateParallelism', e.currentTarget.value)} />}
          </Field>
          <Field path="updateConfig.delaySeconds" label="Delay between batches (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.updateDelay} onInput={(e) => set('updateDelay', e.currentTarget.value)} />}
          </Field>
          <Field path="updateConfig.failureAction" label="On update failure">
            {(a) => (
              <select {...a} value={form.updateFailureAction} onChange={(e) => set('updateFailureAction', e.currentTarget.value as FormState['updateFailureAction'])}>
                <option value="">engine default</option><option value="pause">pause</option><option value="continue">continue</option><option value="rollback">rollback</option>
              </select>
            )}
          </Field>
          <Field path="updateConfig.order" label="Update order">
            {(a) => (
              <select {...a} value={form.updateOrder} onChange={(e) => set('updateOrder', e.currentTarget.value as FormState['updateOrder'])}>
                <option value="">engine default</option><option value="stop-first">stop-first</option><option value="start-first">start-first</option>
              </select>
            )}
          </Field>
          <Field path="updateConfig.monitorSeconds" label="Watch each batch for (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.updateMonitor} onInput={(e) => set('updateMonitor', e.currentTarget.value)} />}
          </Field>
          <Field path="updateConfig.maxFailureRatio" label="Update failures tolerated" hint="A fraction, 0 to 1">
            {(a) => <input {...a} inputmode="decimal" value={form.updateMaxFailureRatio} onInput={(e) => set('updateMaxFailureRatio', e.currentTarget.value)} />}
          </Field>
          <Field path="rollbackConfig.parallelism" label="Rollback parallelism">
            {(a) => <input {...a} inputmode="numeric" value={form.rollbackParallelism} onInput={(e) => set('rollbackParallelism', e.currentTarget.value)} />}
          </Field>
          <Field path="rollbackConfig.delaySeconds" label="Delay between rollback batches (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.rollbackDelay} onInput={(e) => set('rollbackDelay', e.currentTarget.value)} />}
          </Field>
          <Field path="rollbackConfig.failureAction" label="On rollback failure">
            {(a) => (
              <select {...a} value={form.rollbackFailureAction} onChange={(e) => set('rollbackFailureAction', e.currentTarget.value as FormState['rollbackFailureAction'])}>
                <option value="">engine default</option><option value="pause">pause</option><option value="continue">continue</option>
              </select>
            )}
          </Field>
          <Field path="rollbackConfig.order" label="Rollback order">
            {(a) => (
              <select {...a} value={form.rollbackOrder} onChange={(e) => set('rollbackOrder', e.currentTarget.value as FormState['rollbackOrder'])}>
                <option value="">engine default</option><option value="stop-first">stop-first</option><option value="start-first">start-first</option>
              </select>
            )}
          </Field>
          <Field path="rollbackConfig.monitorSeconds" label="Watch each rollback batch for (s)">
            {(a) => <input {...a} inputmode="decimal" value={form.rollbackMonitor} onInput={(e) => set('rollbackMonitor', e.currentTarget.value)} />}
          </Field>
          <Field path="rollbackConfig.maxFailureRatio" label="Rollback failures tolerated" hint="A fraction, 0 to 1">
            {(a) => <input {...a} inputmode="decimal" value={form.rollbackMaxFailureRatio} onInput={(e) => set('rollbackMaxFailureRatio', e.currentTarget.value)} />}
          </Field>
        </div>
      </fieldset>

      <ErrorDetails error={serverError()} />
      <div class="actions">
        <Show when={props.onCancel}>
          <button type="button" class="secondary" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </Show>
        <button type="submit" disabled={busy()} data-testid="service-form-submit">
          {busy() ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
};
