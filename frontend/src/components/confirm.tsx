import { createSignal, onMount, Show, type JSX } from 'solid-js';

/**
 * A confirmation in a native modal <dialog> (focus trap and Esc for free). When `typeToConfirm` is set the
 * user must type it (e.g. the service name) before the confirm button is enabled.
 */
export const ConfirmDialog = (props: {
  title: string;
  children?: JSX.Element;
  confirmLabel: string;
  typeToConfirm?: string;
  danger?: boolean;
  onConfirm: () => void | Promise<void>;
  onClose: () => void;
}) => {
  let dialog!: HTMLDialogElement;
  const [typed, setTyped] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  onMount(() => dialog.showModal());
  const ok = () => !props.typeToConfirm || typed() === props.typeToConfirm;
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!ok() || busy()) return;
    setBusy(true);
    try {
      await props.onConfirm();
      dialog.close();
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" onClose={() => props.onClose()}>
      <form onSubmit={submit}>
        <h2 id="confirm-title">{props.title}</h2>
        {props.children}
        <Show when={props.typeToConfirm}>
          <label>
            Type <code>{props.typeToConfirm}</code> to confirm
            <input value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" data-testid="confirm-input" />
          </label>
        </Show>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => dialog.close()}>
            Cancel
          </button>
          <button type="submit" class={props.danger ? 'danger' : ''} disabled={!ok() || busy()} data-testid="confirm-ok">
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
};
