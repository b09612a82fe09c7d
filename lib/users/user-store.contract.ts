/**
 * The UserStore contract suite: every adapter's test file calls it with a factory.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { User, UserStore } from './user-store.ts';

const user = (username: string, overrides: Partial<User> = {}): User => ({
  username,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  permissions: ['services.read'],
  tokenVersion: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** `factory` returns an empty store each time. */
export function userStoreContract(name: string, factory: () => Promise<UserStore>) {
  const test = suite<{ store: UserStore }>(`UserStore contract: ${name}`, {} as { store: UserStore });
  test.before.each(async (ctx) => {
    ctx.store = await factory();
  });
  test.after.each(async (ctx) => {
    await ctx.store.close();
  });

  test('should create a user and read it back', async ({ store }) => {
    await store.create(user('alice', { permissions: ['users.read', 'services.read'] }));
    const got = await store.get('alice');
    assert.ok(got);
    assert.is(got.username, 'alice');
    assert.equal([...got.permissions].sort(), ['services.read', 'users.read']);
    assert.is(got.tokenVersion, 0);
    assert.is(got.createdAt, '2026-01-01T00:00:00.000Z');
    assert.is(got.passwordHash, user('x').passwordHash);
  });

  test('should return null for an unknown user', async ({ store }) => {
    assert.is(await store.get('nobody'), null);
  });

  test('should refuse a duplicate username with user_exists', async ({ store }) => {
    await store.create(user('bob'));
    try {
      await store.create(user('bob', { passwordHash: 'other' }));
      assert.unreachable('duplicate create succeeded');
    } catch (e) {
      assert.is((e as { code?: string }).code, 'user_exists');
    }
    assert.is((await store.get('bob'))!.passwordHash, user('x').passwordHash);
  });

  test('should list users sorted by username', async ({ store }) => {
    await store.create(user('carol'));
    await store.create(user('alice'));
    await store.create(user('bob'));
    assert.equal((await store.list()).map((u) => u.username), ['alice', 'bob', 'carol']);
  });

  test('should delete a user and report whether it existed', async ({ store }) => {
    await store.create(user('dave'));
    assert.is(await store.delete('dave'), true);
    assert.is(await store.get('dave'), null);
    assert.is(await store.delete('dave'), false);
  });

  test('should add and remove permissions idempotently', async ({ store }) => {
    await store.create(user('erin', { permissions: [] }));
    let u = await store.addPermission('erin', 'nodes.read');
    u = await store.addPermission('erin', 'nodes.read');
    assert.equal(u!.permissions, ['nodes.read']);
    assert.equal((await store.get('erin'))!.permissions, ['nodes.read']);
    u = await store.removePermission('erin', 'nodes.read');
    u = await store.removePermission('erin', 'nodes.read');
    assert.equal(u!.permissions, []);
    assert.equal((await store.get('erin'))!.permissions, []);
  });

  test('should return null when changing permissions of an unknown user', async ({ store }) => {
    assert.is(await store.addPermission('ghost', 'nodes.read'), null);
    assert.is(await store.removePermission('ghost', 'nodes.read'), null);
    assert.is(await store.get('ghost'), null);
  });

  test('should keep concurrent grants of different permissions', async ({ store }) => {
    await store.create(user('frank', { permissions: [] }));
    await Promise.all([
      store.addPermission('frank', 'users.read'),
      store.addPermission('frank', 'nodes.read'),
      store.addPermission('frank', 'events.read'),
    ]);
    assert.equal([...(await store.get('frank'))!.permissions].sort(), ['events.read', 'nodes.read', 'users.read']);
  });

  test('should bump the token version when the password changes', async ({ store }) => {
    await store.create(user('gina', { tokenVersion: 3 }));
    assert.is(await store.setPassword('gina', 'new-hash'), 4);
    const got = await store.get('gina');
    assert.is(got!.tokenVersion, 4);
    assert.is(got!.passwordHash, 'new-hash');
    assert.is(await store.setPassword('ghost', 'x'), null);
  });

  test('should bump the token version when sessions end, keeping the password', async ({ store }) => {
    await store.create(user('hank', { tokenVersion: 1 }));
    assert.is(await store.endSessions('hank'), 2);
    const got = await store.get('hank');
    assert.is(got!.tokenVersion, 2);
    assert.is(got!.passwordHash, user('x').passwordHash);
    assert.is(await store.endSessions('ghost'), null);
  });

  test('should list the holders of a permission', async ({ store }) => {
    await store.create(user('a1', { permissions: ['users.write', 'users.read'] }));
    await store.create(user('a2', { permissions: ['users.read'] }));
    await store.create(user('a3', { permissions: ['users.write'] }));
    assert.equal([...(await store.holders('users.write'))].sort(), ['a1', 'a3']);
    assert.equal(await store.holders('nodes.write'), []);
  });

  test('should treat usernames as exact strings', async ({ store }) => {
    await store.create(user('Case'));
    assert.is(await store.get('case'), null);
    assert.is(await store.get('Case ') , null);
    assert.ok(await store.get('Case'));
  });

  return test;
}
