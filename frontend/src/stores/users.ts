import { createSignal } from 'solid-js';
import type { AppContext } from '../context.ts';
import type { Permission, UserSummary } from '../types.ts';

export type UsersStore = ReturnType<typeof createUsersStore>;

// NOTE: the server orders pages by code unit, so the store does too: localeCompare would put a user of the
// next page before one already shown.
const byName = (a: UserSummary, b: UserSummary) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);

/** Users read per call: the server's default page. */
export const USERS_PAGE = 100;

/**
 * The users list and its changes (grant, revoke, create, delete), kept current from each call's answer.
 * A change to the signed-in user's own permissions re-reads whoami, so the UI follows at once.
 */
export const createUsersStore = (ctx: AppContext) => {
  const [users, setUsers] = createSignal<UserSummary[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  /** The cursor of the page after those shown; null once every user is shown. */
  const [next, setNext] = createSignal<string | null>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);

  /** Reads the first page again, replacing the list (and forgetting any later pages). */
  const load = async () => {
    try {
      const page = await ctx.api.listUsers({ limit: USERS_PAGE });
      setUsers(page.users.sort(byName));
      setNext(page.next ?? null);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  };

  /** Appends the next page; false when there was none or it failed (the error is shown). */
  const loadMore = async (): Promise<boolean> => {
    const cursor = next();
    if (cursor === null || loadingMore()) return false;
    setLoadingMore(true);
    try {
      const page = await ctx.api.listUsers({ limit: USERS_PAGE, cursor });
      // Users created here meanwhile may already be shown: keep one of each.
      setUsers((list) => [...list.filter((u) => !page.users.some((p) => p.username === u.username)), ...page.users].sort(byName));
      setNext(page.next ?? null);
      setError(null);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setLoadingMore(false);
    }
  };

  /** Follows `next` until every user is shown (or a page fails). */
  const loadAll = async () => {
    while (await loadMore());
  };

  /** Whether a user belongs to the pages shown: past the last one shown, it comes with a later page. */
  const shown = (username: string) => {
    const list = users();
    return next() === null || (list.length > 0 && username < list[list.length - 1]!.username);
  };

  return {
    users,
    loaded,
    error,
    /** `<username>:<permission>` while that checkbox's change is under way. */
    busy,
    /** Whether more users follow those shown. */
    more: () => next() !== null,
    loadingMore,
    load,
    loadMore,
    loadAll,
    async toggle(user: UserSummary, permission: Permission, grant: boolean) {
      setBusy(`${user.username}:${permission}`);
      setError(null);
      try {
        const answer = grant
          ? await ctx.api.grantPermission(user.username, permission, { quiet: true })
          : await ctx.api.revokePermission(user.username, permission, { quiet: true });
        setUsers((list) => list.map((u) => (u.username === answer.username ? { ...u, permissions: answer.permissions } : u)));
        if (user.username === ctx.session.me()?.username) void ctx.session.refresh();
      } catch (e) {
        setError(e);
        await load();
      } finally {
        setBusy(null);
      }
    },
    /** Creates the user and toasts; throws the API's error for the form to show. */
    async create(input: { username: string; password: string; permissions: Permission[] }) {
      const user = await ctx.api.createUser(input, { quiet: true });
      if (shown(user.username)) setUsers((list) => [...list, user].sort(byName));
      ctx.toasts.success(`User ${user.username} created.`);
      return user;
    },
    async remove(username: string) {
      try {
        await ctx.api.deleteUser(username, { quiet: true });
        setUsers((list) => list.filter((x) => x.username !== username));
        ctx.toasts.success(`User ${username} deleted.`);
      } catch (e) {
        setError(e);
      }
    },
  };
};
