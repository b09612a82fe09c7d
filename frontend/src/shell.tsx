import { A, Navigate, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, createSignal, For, getOwner, onCleanup, Show, type JSX } from 'solid-js';
import { createApi } from './api.ts';
import { disposeStores, storeOf, useApp, type AppContext } from './context.ts';
import { createLive, sameOriginEventsUrl, type LiveState } from './live.ts';
import { canAny } from './logic/permissions.ts';
import { createEventsStore } from './stores/events.ts';
import { createSession } from './stores/session.ts';
import { createToasts } from './stores/toasts.ts';
import type { Permission } from './types.ts';

/** Wires the one API client, the one live module, toasts and the session (the SPA's composition root). */
export const createAppContext = (): AppContext => {
  const toasts = createToasts();
  const [now, setNow] = createSignal(Date.now());
  setInterval(() => setNow(Date.now()), 5000);
  const ctx = { toasts, now, stores: new Map(), owner: getOwner() } as unknown as AppContext;
  ctx.api = createApi({
    onError: (e) => {
      toasts.error(e.message, e.code === 'policy_denied' || e.code === 'validation_failed' ? e.details : undefined);
      if (e.code === 'forbidden') void ctx.session.refresh();
    },
    onUnauthenticated: () => ctx.session.signedOut(),
  });
  ctx.live = createLive({ url: sameOriginEventsUrl(location) });
  ctx.resetStores = () => {
    disposeStores(ctx);
    storeOf(ctx, createEventsStore);
  };
  ctx.session = createSession(ctx);
  let forbidden = false;
  ctx.live.onStatus((state) => {
    const now = state.status === 'closed' && state.closed === 'forbidden';
    if (now && !forbidden) {
      toasts.error('Access to events was lost: live updates stopped. Ask an administrator for events.read.');
      // NOTE: the permission was probably revoked; re-reading it hides what now needs it.
      void ctx.session.refresh();
    }
    forbidden = now;
  });
  // NOTE: created up front so events arriving on other pages are kept for the events page.
  storeOf(ctx, createEventsStore);
  void ctx.session.refresh();
  const onFocus = () => {
    if (ctx.session.status() === 'in') void ctx.session.refresh();
  };
  window.addEventListener('focus', onFocus);
  setInterval(onFocus, 30_000);
  return ctx;
};

/** The first page the user may read, for `/` and after login. */
export const Home = () => {
  const ctx = useApp();
  const me = ctx.session.me;
  const first = () =>
    canAny(me(), 'services.read') ? '/services' : canAny(me(), 'nodes.read') ? '/nodes' : canAny(me(), 'events.read') ? '/events' : canAny(me(), 'users.read') ? '/users' : '/account';
  return <Navigate href={first()} />;
};

/** Shows the page only to users holding `permission` in any form (a scoped one too: the server filters what they see); others get a plain explanation instead of errors. */
/** Shows the page to those holding (some scope of) one of `permission`. */
export const Guard = (props: { permission: Permission | readonly Permission[]; children: JSX.Element }) => {
  const ctx = useApp();
  const any = () => (typeof props.permission === 'string' ? [props.permission] : props.permission);
  return (
    <Show
      when={any().some((p) => canAny(ctx.session.me(), p))}
      fallback={
        <section class="pad">
          <h1>Not allowed</h1>
          <p data-testid="not-allowed">
            This page needs the{' '}
            <For each={any()}>
              {(p, i) => (
                <>
                  {i() > 0 ? ' or ' : ''}
                  <code>{p}</code>
                </>
              )}
            </For>{' '}
            permission. Ask an administrator to grant it.
          </p>
        </section>
      }
    >
      {props.children}
    </Show>
  );
};

const ConnectionIndicator = () => {
  const ctx = useApp();
  const [state, setState] = createSignal<LiveState>(ctx.live.state);
  onCleanup(ctx.live.onStatus(setState));
  const label = () => {
    const s = state();
    switch (s.status) {
      case 'live':
        return 'Live';
      case 'replaying':
        return 'Catching up';
      case 'connecting':
        return 'Connecting';
      case 'offline': {
        const secs = s.retryAt ? Math.max(0, Math.ceil((s.retryAt - ctx.now()) / 1000)) : 0;
        return secs > 0 ? `Offline, retrying in ${secs} s` : 'Offline, retrying';
      }
      case 'closed':
        return s.closed === 'forbidden' ? 'No access to events' : 'Signed out';
      default:
        return 'Not connected';
    }
  };
  return (
    <button
      type="button"
      class={`live live-${state().status}`}
      title="The live events connection. Click to reconnect now."
      aria-label={`Events connection: ${label()}`}
      data-testid="live-indicator"
      data-status={state().status}
      onClick={() => ctx.live.retryNow()}
    >
      <span class="dot" aria-hidden="true" />
      {label()}
    </button>
  );
};

const Toasts = () => {
  const ctx = useApp();
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={ctx.toasts.toasts()}>
        {(t) => (
          <div class={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : undefined}>
            <div class="toast-body">
              <strong>{t.message}</strong>
              <Show when={t.lines.length > 0}>
                <ul>
                  <For each={t.lines}>{(line) => <li>{line}</li>}</For>
                </ul>
              </Show>
            </div>
            <button type="button" class="icon" aria-label="Dismiss" onClick={() => ctx.toasts.dismiss(t.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
};

const Nav = () => {
  const ctx = useApp();
  const me = ctx.session.me;
  const link = (href: string, text: string, show: boolean) => (
    <Show when={show}>
      <li>
        <A href={href} activeClass="active">
          {text}
        </A>
      </li>
    </Show>
  );
  return (
    <nav aria-label="Main">
      <ul>
        {link('/services', 'Services', canAny(me(), 'services.read'))}
        {link('/stacks', 'Stacks', canAny(me(), 'services.read'))}
        {link('/secrets', 'Secrets and configs', canAny(me(), 'secrets.read') || canAny(me(), 'configs.read'))}
        {link('/nodes', 'Nodes', canAny(me(), 'nodes.read'))}
        {link('/events', 'Events', canAny(me(), 'events.read'))}
        {link('/users', 'Users', canAny(me(), 'users.read'))}
        {link('/alerts', 'Alerts', canAny(me(), 'alerts.read'))}
      </ul>
    </nav>
  );
};

export const Shell = (props: RouteSectionProps): JSX.Element => {
  const ctx = useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const onLogin = () => location.pathname === '/login';

  createEffect(() => {
    if (ctx.session.status() === 'out' && !onLogin()) {
      const next = location.pathname + location.search;
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
  });

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Show when={ctx.session.status() === 'in' && !onLogin()}>
        <header class="top">
          <A href="/services" class="brand">
            Swarm dashboard
          </A>
          <Nav />
          <div class="top-right">
            <Show when={canAny(ctx.session.me(), 'events.read')}>
              <ConnectionIndicator />
            </Show>
            <A href="/account" class="account-link" data-testid="account-link">
              {ctx.session.me()?.username}
            </A>
            <button type="button" class="secondary" data-testid="logout" onClick={() => void ctx.session.logout()}>
              Log out
            </button>
          </div>
        </header>
      </Show>
      <main id="main" tabindex="-1">
        <Show when={ctx.session.status() !== 'unknown' || onLogin()} fallback={<p class="muted pad">Loading…</p>}>
          {props.children}
        </Show>
      </main>
      <Toasts />
    </>
  );
};
