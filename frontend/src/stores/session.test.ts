import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError, type Api } from '../api.ts';
import type { Live, LiveState } from '../live.ts';
import { createSession } from './session.ts';
import { createToasts } from './toasts.ts';

/** Hand-rolled fakes that record what they were asked. */
const fakes = (whoami: () => Promise<unknown>) => {
  const calls: string[] = [];
  const api = {
    whoami: async (o?: { quiet?: boolean }) => {
      calls.push(`whoami quiet=${o?.quiet}`);
      return whoami();
    },
    login: async (u: string, p: string) => {
      calls.push(`login ${u} ${p}`);
      return { token: 't', expiresAt: 'x', user: { username: u, permissions: ['events.read', 'services.read'] } };
    },
    logout: async () => {
      calls.push('logout');
    },
  } as unknown as Api;
  const statusListeners: ((s: LiveState) => void)[] = [];
  const live = {
    onStatus: (l: (s: LiveState) => void) => {
      statusListeners.push(l);
      return () => {};
    },
    start: () => calls.push('live.start'),
    stop: () => calls.push('live.stop'),
    reset: () => calls.push('live.reset'),
  } as unknown as Live;
  const emit = (s: LiveState) => statusListeners.forEach((l) => l(s));
  return { api, live, calls, emit };
};

const session = suite('session store');

session('should be signed in after whoami, and start the live module only with events.read', async () => {
  const f = fakes(async () => ({ username: 'bob', permissions: ['services.read'] }));
  const s = createSession(f);
  assert.is(s.status(), 'unknown');
  await s.refresh();
  assert.is(s.status(), 'in');
  assert.equal(s.me(), { username: 'bob', permissions: ['services.read'] });
  assert.equal(f.calls, ['whoami quiet=true', 'live.stop']);
});

session('should be signed out on 401 and stay signed in on other errors', async () => {
  const f = fakes(async () => {
    throw new ApiError(401, 'unauthenticated', 'no');
  });
  const s = createSession(f);
  await s.refresh();
  assert.is(s.status(), 'out');
  const g = fakes(async () => {
    throw new ApiError(503, 'store_unavailable', 'down');
  });
  const t = createSession(g);
  await t.login('ann', 'pw');
  await t.refresh();
  assert.is(t.status(), 'in');
});

session('should share one whoami between concurrent refreshes', async () => {
  let n = 0;
  const f = fakes(async () => ({ username: 'bob', permissions: [`x${++n}`] }));
  const s = createSession(f);
  await Promise.all([s.refresh(), s.refresh(), s.refresh()]);
  assert.is(n, 1);
});

session('should log in, start live, then log out and forget the live cursor', async () => {
  const f = fakes(async () => ({}));
  const s = createSession(f);
  const user = await s.login('ann', 'secret-pw');
  assert.is(user.username, 'ann');
  assert.is(s.status(), 'in');
  await s.logout();
  assert.is(s.status(), 'out');
  assert.is(s.me(), null);
  assert.equal(f.calls, ['login ann secret-pw', 'live.start', 'logout', 'live.stop', 'live.reset']);
});
session('should sign out when the relay closes with 4401, and not when it closes with 4403', async () => {
  const f = fakes(async () => ({ username: 'bob', permissions: ['events.read'] }));
  const s = createSession(f);
  await s.refresh();
  f.emit({ status: 'closed', closed: 'forbidden' });
  assert.is(s.status(), 'in');
  f.calls.length = 0;
  f.emit({ status: 'closed', closed: 'unauthenticated' });
  assert.is(s.status(), 'out');
  assert.is(s.me(), null);
  assert.equal(f.calls, ['live.stop', 'live.reset']);
});
session.run();

const toasts = suite('toast store');
toasts('should keep the last five, with details as lines, and dismiss on a timer', () => {
  const timers: [() => void, number][] = [];
  const t = createToasts({ setTimer: (fn, ms) => timers.push([fn, ms]) });
  t.error('Denied', [{ rule: 'bind_mount', message: 'no binds' }]);
  for (let i = 0; i < 5; i++) t.info(`n${i}`);
  assert.is(t.toasts().length, 5);
  assert.is(t.toasts()[0]!.message, 'n0');
  assert.equal(timers.map(([, ms]) => ms), [10_000, 4000, 4000, 4000, 4000, 4000]);
  const t2 = createToasts({ setTimer: (fn, ms) => timers.push([fn, ms]) });
  t2.error('Denied', [{ rule: 'bind_mount', message: 'no binds' }]);
  assert.equal(t2.toasts()[0]!.lines, ['bind_mount: no binds']);
  timers[timers.length - 1]![0]();
  assert.is(t2.toasts().length, 0);
});
toasts.run();
