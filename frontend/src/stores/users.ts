import { createSignal } from 'solid-js';
import type { AppContext } from '../context.ts';
import type { Permission, UserSummary } from '../types.ts';

export type UsersStore = ReturnType<typeof createUsersStore>;

const byName = (a: UserSummary, b: UserSummary) => a.username.localeCompare(b.username);

/**
 * The users list and its changes (grant, revoke, create, delete), kept current from each call's answer.
 * A change to the signed-in user's own permissions re-reads whoami, so the UI follows at once.
 */
export const createUsersStore = (ctx: AppContext) => {
  const [users, setUsers] = createSignal<UserSummary[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal<string | null>(null);

  const load = async () => {
    try {
      const { users: list } = await ctx.api.listUsers();
      setUsers(list.sort(byName));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  };

  return {
    users,
    loaded,
    error,
    /** `<username>:<permission>` while that checkbox's change is under way. */
    busy,
    load,
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
      setUsers((list) => [...list, user].sort(byName));
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
