import { createSignal } from 'solid-js';
import type { AppContext } from '../context.ts';
import type { Me } from '../types.ts';

export type SessionStatus = 'unknown' | 'in' | 'out';

export type SessionStore = ReturnType<typeof createSession>;

/**
 * Who is signed in. The session itself is the HttpOnly cookie; the SPA only keeps `whoami`'s answer, and
 * re-reads it when permissions may have changed (an audit event about the user, a 403, focus).
 */
export const createSession = (ctx: Pick<AppContext, 'api' | 'live' | 'resetStores'>) => {
  const [me, setMe] = createSignal<Me | null>(null);
  const [status, setStatus] = createSignal<SessionStatus>('unknown');

  const signedIn = (user: Me) => {
    setMe({ username: user.username, permissions: [...user.permissions] });
    setStatus('in');
    if (user.permissions.includes('events.read')) ctx.live.start();
    else ctx.live.stop();
  };

  const signedOut = () => {
    ctx.live.stop();
    ctx.live.reset();
    // NOTE: the next user of this tab must not see the previous one's lists.
    ctx.resetStores?.();
    setMe(null);
    setStatus('out');
  };

  // NOTE: the relay's 4401 means the cookie no longer opens a session: go to login instead of reconnecting.
  ctx.live.onStatus((state) => {
    if (state.status === 'closed' && state.closed === 'unauthenticated' && status() !== 'out') signedOut();
  });

  let inflight: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    inflight ??= ctx.api
      .whoami({ quiet: true })
      .then(signedIn, (e: { status?: number }) => {
        if (e.status === 401) signedOut();
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  };

  return {
    me,
    status,
    refresh,
    signedOut,
    async login(username: string, password: string) {
      const answer = await ctx.api.login(username, password, { quiet: true });
      signedIn(answer.user);
      return answer.user;
    },
    async logout() {
      try {
        await ctx.api.logout({ quiet: true });
      } finally {
        signedOut();
      }
    },
  };
};
