import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { Me, Permission, UserSummary } from '../types.ts';
import { createUsersStore } from './users.ts';

const user = (username: string, permissions: Permission[] = []): UserSummary => ({ username, permissions, createdAt: '2026-01-01T00:00:00Z' });

/** A fake context over an in-memory user list, recording API calls, toasts and whoami refreshes. */
const fakeContext = (list: UserSummary[], me: Me = { username: 'admin', permissions: ['users.read', 'users.write'] }) => {
  const calls: string[] = [];
  const toasts: string[] = [];
  let refreshes = 0;
  const find = (name: string) => {
    const u = list.find((x) => x.username === name);
    if (!u) throw new ApiError(404, 'not_found', `no user ${name}`);
    return u;
  };
  const ctx = {
    api: {
      // Pages like the server: by username, after the cursor (here simply the last name), `next` while more follow.
      listUsers: async ({ limit = 100, cursor }: { limit?: number; cursor?: string } = {}) => {
        calls.push(cursor === undefined ? 'listUsers' : `listUsers after ${cursor}`);
        const sorted = [...list].sort((a, b) => (a.username < b.username ? -1 : 1)).filter((u) => cursor === undefined || u.username > cursor);
        const users = sorted.slice(0, limit).map((u) => ({ ...u }));
        return sorted.length > limit ? { users, next: users.at(-1)!.username } : { users };
      },
      grantPermission: async (name: string, p: Permission) => {
        calls.push(`grant ${name} ${p}`);
        const u = find(name);
        u.permissions = [...u.permissions, p];
        return { username: name, permissions: u.permissions };
      },
      revokePermission: async (name: string, p: Permission) => {
        calls.push(`revoke ${name} ${p}`);
        if (p === 'users.write' && name === me.username) throw new ApiError(409, 'last_admin', 'last admin');
        const u = find(name);
        u.permissions = u.permissions.filter((x) => x !== p);
        return { username: name, permissions: u.permissions };
      },
      createUser: async (input: { username: string; permissions: Permission[] }) => {
        if (list.some((u) => u.username === input.username)) throw new ApiError(409, 'user_exists', 'taken');
        const created = user(input.username, input.permissions);
        list.push(created);
        return created;
      },
      deleteUser: async (name: string) => {
        calls.push(`delete ${name}`);
        list.splice(list.indexOf(find(name)), 1);
      },
    },
    session: { me: () => me, refresh: async () => void refreshes++ },
    toasts: { success: (m: string) => toasts.push(m) },
  } as unknown as AppContext;
  return { ctx, calls, toasts, refreshes: () => refreshes };
};

const store = suite('users store');

store('should load the users by name', async () => {
  const f = fakeContext([user('carol'), user('admin'), user('bob')]);
  const s = createUsersStore(f.ctx);
  assert.is(s.loaded(), false);
  await s.load();
  assert.ok(s.loaded());
  assert.equal(s.users().map((u) => u.username), ['admin', 'bob', 'carol']);
});

store("should take a grant's answer, and re-read whoami only when it is the signed-in user's", async () => {
  const f = fakeContext([user('admin', ['users.write']), user('bob')]);
  const s = createUsersStore(f.ctx);
  await s.load();
  const granting = s.toggle(s.users()[1]!, 'nodes.read', true);
  assert.is(s.busy(), 'bob:nodes.read');
  await granting;
  assert.is(s.busy(), null);
  assert.equal(s.users()[1]!.permissions, ['nodes.read']);
  assert.is(f.refreshes(), 0);
  await s.toggle(s.users()[0]!, 'events.read', true);
  assert.equal(s.users()[0]!.permissions, ['users.write', 'events.read']);
  assert.is(f.refreshes(), 1);
  assert.equal(f.calls, ['listUsers', 'grant bob nodes.read', 'grant admin events.read']);
});

store('should reload the list after a refused revoke', async () => {
  const f = fakeContext([user('admin', ['users.write'])]);
  const s = createUsersStore(f.ctx);
  await s.load();
  await s.toggle(s.users()[0]!, 'users.write', false);
  assert.is(s.busy(), null);
  assert.equal(f.calls, ['listUsers', 'revoke admin users.write', 'listUsers']);
  assert.equal(s.users()[0]!.permissions, ['users.write']);
});

store('should add a created user in order, and throw when creating fails', async () => {
  const f = fakeContext([user('admin'), user('carol')]);
  const s = createUsersStore(f.ctx);
  await s.load();
  const created = await s.create({ username: 'bob', password: 'long enough', permissions: ['nodes.read'] });
  assert.is(created.username, 'bob');
  assert.equal(s.users().map((u) => u.username), ['admin', 'bob', 'carol']);
  assert.equal(f.toasts, ['User bob created.']);
  try {
    await s.create({ username: 'bob', password: 'long enough', permissions: [] });
    assert.unreachable('created twice');
  } catch (e) {
    assert.is((e as ApiError).code, 'user_exists');
  }
  assert.is(s.users().length, 3);
});

store('should drop a deleted user, and keep the error when deleting fails', async () => {
  const f = fakeContext([user('admin'), user('bob')]);
  const s = createUsersStore(f.ctx);
  await s.load();
  await s.remove('bob');
  assert.equal(s.users().map((u) => u.username), ['admin']);
  assert.equal(f.toasts, ['User bob deleted.']);
  await s.remove('nobody');
  assert.is((s.error() as ApiError).code, 'not_found');
  assert.is(s.users().length, 1);
});
const many = (n: number) => Array.from({ length: n }, (_, i) => user(`u${String(i).padStart(3, '0')}`));

store('should show the first page, then load more and all pages, in order and without doubles', async () => {
  const f = fakeContext(many(250));
  const s = createUsersStore(f.ctx);
  await s.load();
  assert.is(s.users().length, 100);
  assert.ok(s.more());
  assert.ok(await s.loadMore());
  assert.is(s.users().length, 200);
  assert.ok(s.more());
  await s.loadAll();
  assert.is(s.more(), false);
  assert.equal(s.users().map((u) => u.username), many(250).map((u) => u.username));
  assert.equal(f.calls, ['listUsers', 'listUsers after u099', 'listUsers after u199']);
  assert.is(await s.loadMore(), false, 'nothing after the last page');
  await s.load();
  assert.is(s.users().length, 100, 'a reload starts from the first page again');
  assert.ok(s.more());
});

store('should show a created user only when it falls among the pages shown', async () => {
  const f = fakeContext(many(150));
  const s = createUsersStore(f.ctx);
  await s.load();
  await s.create({ username: 'a-first', password: 'long enough', permissions: [] });
  await s.create({ username: 'zed', password: 'long enough', permissions: [] });
  assert.equal(s.users().map((u) => u.username).filter((n) => !n.startsWith('u')), ['a-first']);
  await s.loadAll();
  assert.is(s.users().length, 152);
  assert.is(s.users().at(-1)!.username, 'zed');
  assert.is(new Set(s.users().map((u) => u.username)).size, 152);
});

store.run();
