import { createSignal, For } from 'solid-js';
import { useApp } from '../context.ts';
import { ErrorDetails } from '../components/error-details.tsx';

export default function Account() {
  const ctx = useApp();
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  const mismatch = () => repeat() !== '' && repeat() !== next();
  const tooShort = () => next() !== '' && next().length < 8;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (mismatch() || tooShort()) return;
    setError(null);
    setBusy(true);
    try {
      await ctx.api.changePassword(current(), next(), { quiet: true });
      setCurrent('');
      setNext('');
      setRepeat('');
      ctx.toasts.success('Password changed. Other sessions are signed out.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="pad narrow">
      <h1>Account</h1>
      <dl class="facts">
        <dt>Username</dt>
        <dd data-testid="account-username">{ctx.session.me()?.username}</dd>
        <dt>Permissions</dt>
        <dd>
          <ul class="chips">
            <For each={ctx.session.me()?.permissions ?? []} fallback={<li class="muted">none</li>}>
              {(p) => <li class="chip">{p}</li>}
            </For>
          </ul>
        </dd>
      </dl>
      <form class="card" onSubmit={submit}>
        <h2>Change password</h2>
        <div class="field">
          <label for="pw-current">Current password</label>
          <input id="pw-current" type="password" autocomplete="current-password" required value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </div>
        <div class="field" classList={{ invalid: tooShort() }}>
          <label for="pw-new">New password</label>
          <input id="pw-new" type="password" autocomplete="new-password" required aria-describedby="pw-new-msg" aria-invalid={tooShort() ? 'true' : 'false'} value={next()} onInput={(e) => setNext(e.currentTarget.value)} />
          <small id="pw-new-msg" class={tooShort() ? 'field-error' : 'hint'}>
            At least 8 characters.
          </small>
        </div>
        <div class="field" classList={{ invalid: mismatch() }}>
          <label for="pw-repeat">Repeat the new password</label>
          <input id="pw-repeat" type="password" autocomplete="new-password" required aria-describedby="pw-repeat-msg" aria-invalid={mismatch() ? 'true' : 'false'} value={repeat()} onInput={(e) => setRepeat(e.currentTarget.value)} />
          <small id="pw-repeat-msg" class="field-error">
            {mismatch() ? 'The passwords differ.' : ''}
          </small>
        </div>
        <ErrorDetails error={error()} />
        <div class="actions">
          <button type="submit" disabled={busy() || !current() || !next() || mismatch() || tooShort()}>
            Change password
          </button>
        </div>
      </form>
      <p>
        <button type="button" class="secondary" onClick={() => void ctx.session.logout()}>
          Log out
        </button>
      </p>
    </section>
  );
}
