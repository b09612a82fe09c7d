import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, Show } from 'solid-js';
import { ApiError } from '../api.ts';
import { useApp } from '../context.ts';

/** Only same-site paths are followed after login (no open redirect). */
export const safeNext = (next: unknown): string =>
  typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';

export default function Login() {
  const ctx = useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  createEffect(() => {
    if (ctx.session.status() === 'in') navigate(safeNext(params.next), { replace: true });
  });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await ctx.session.login(username().trim(), password());
    } catch (err) {
      if (err instanceof ApiError && err.code === 'rate_limited') {
        setError(`${err.message}${err.retryAfter ? ` Try again in ${err.retryAfter} s.` : ''}`);
      } else {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="login">
      <h1>Swarm dashboard</h1>
      <form onSubmit={submit} class="card" data-testid="login-form">
        <h2>Log in</h2>
        <Show when={params.next}>
          <p class="muted">Log in to continue.</p>
        </Show>
        <div class="field">
          <label for="login-username">Username</label>
          <input id="login-username" name="username" autocomplete="username" required value={username()} onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <Show when={error()}>
          <p class="field-error" role="alert" data-testid="login-error">
            {error()}
          </p>
        </Show>
        <button type="submit" disabled={busy() || !username() || !password()}>
          {busy() ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </section>
  );
}
