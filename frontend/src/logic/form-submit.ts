import { createSignal } from 'solid-js';

/**
 * A create form's submit: errors show once the user tried to submit (not while typing the first field); an
 * invalid form sends nothing; a send that succeeds clears the form and that "tried", one that fails keeps the
 * input and shows the server's error.
 */
export function createFormSubmit(options: { valid: () => boolean; send: () => Promise<unknown>; reset: () => void }) {
  const [tried, setTried] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (!options.valid()) return;
    setError(null);
    try {
      await options.send();
      options.reset();
      setTried(false);
    } catch (err) {
      setError(err);
    }
  };
  return { tried, error, submit };
}
