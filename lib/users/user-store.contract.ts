/**
 * The UserStore contract suite: every adapter's test file calls it with a factory.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Permission } from '../permissions.ts';
import type { NewUser, UserStore } from './user-store.ts';

const user = (username: string, overrides: Partial<NewUser> = {}): NewUser => ({
  username,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  permissions: ['services.read'],
  tokenVersion: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

/**
 * `factory` returns an empty store each time. `second`, when given, opens another store on the same data
 * (another process or replica), for the cross-store cases.
 */
export function userStoreContract(name: string, factory: () => Promise<UserStore & { second?: () => Promise<UserStore> }>) {
  type Opened = UserStore & { second?: () => Promise<UserStore> };
  const test = suite<{ store: Opened }>(`UserStore contract: ${name}`, {} as { store: Opened });
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

  test('should page through users by username, limit at a time, with more while users follow', async ({ store }) => {
    const names = ['u07', 'u03', 'u10', 'u01', 'u05', 'u09', 'u02', 'u08', 'u04', 'u06'];
    for (const name of names) await store.create(user(name));
    const seen: string[] = [];
    let after: string | undefined;
    const pages: boolean[] = [];
    for (;;) {
      const page = await store.page({ limit: 3, ...(after === undefined ? {} : { after }) });
      assert.ok(page.users.length <= 3);
      seen.push(...page.users.map((u) => u.username));
      pages.push(page.more);
      if (!page.more) break;
      after = page.users.at(-1)!.username;
    }
    assert.equal(seen, [...names].sort());
    assert.equal(pages, [true, true, true, false]);
    const exact = await store.page({ limit: 10 });
    assert.is(exact.more, false, 'no more when the last page is exactly full');
    assert.equal(exact.users.map((u) => u.id), (await store.list()).map((u) => u.id));
    assert.equal(await store.page({ limit: 5, after: 'u10' }), { users: [], more: false });
    // `after` need not be a stored name: a user deleted between pages does not break the walk.
    assert.equal((await store.page({ limit: 2, after: 'u045' })).users.map((u) => u.username), ['u05', 'u06']);
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

  test('should lose no change when two stores make 1,000 concurrent grants and revokes on one user', async ({ store }) => {
    // Two replicas, each with its own connection, changing one user at once: a read-modify-write loses changes.
    const other = store.second ? await store.second() : store;
    const perm = (kind: string, i: number) => `services.read:name=${kind}${i}` as Permission;
    const kept = Array.from({ length: 10 }, (_, i) => perm('keep', i));
    const revoked = Array.from({ length: 500 }, (_, i) => perm('old', i));
    const granted = Array.from({ length: 500 }, (_, i) => perm('new', i));
    try {
      await store.create(user('busy', { permissions: [...kept, ...revoked] }));
      const ops = [
        ...granted.map((p) => (s: UserStore) => s.addPermission('busy', p)),
        ...revoked.map((p) => (s: UserStore) => s.removePermission('busy', p)),
      ];
      // A random interleaving, each operation on a random one of the two stores, all in flight at once.
      for (let i = ops.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [ops[i], ops[j]] = [ops[j]!, ops[i]!];
      }
      const started = Date.now();
      const answers = await Promise.all(ops.map((op) => op(Math.random() < 0.5 ? store : other)));
      const ms = Date.now() - started;
      assert.ok(answers.every((a) => a !== null));
      const final = [...(await store.get('busy'))!.permissions].sort();
      assert.equal(final, [...kept, ...granted].sort(), 'the final permissions are exactly what the operations imply');
      assert.equal([...(await other.get('busy'))!.permissions].sort(), final);
      console.log(`  ${name}: 1,000 concurrent grants and revokes through two stores in ${ms} ms, final state exact`);
    } finally {
      if (other !== store) await other.close();
    }
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

  test('should give each account a random id that a new account of the same name does not get', async ({ store }) => {
    await store.create(user('ivan'));
    const first = (await store.get('ivan'))!.id;
    assert.match(first, /^[\w-]{16,}$/);
    assert.is((await store.get('ivan'))!.id, first, 'the id is stored, not made on each read');
    assert.is((await store.list()).find((u) => u.username === 'ivan')!.id, first);
    await store.delete('ivan');
    await store.create(user('ivan'));
    assert.not.equal((await store.get('ivan'))!.id, first);
  });

  test('should refuse to revoke or delete the last holder of a guarded permission', async ({ store }) => {
    await store.create(user('root', { permissions: ['users.write'] }));
    await store.create(user('plain', { permissions: ['services.read'] }));
    const guard = { keepOneHolderOf: 'users.write' } as const;
    assert.is(await codeOf(store.removePermission('root', 'users.write', guard)), 'last_admin');
    assert.is(await codeOf(store.delete('root', guard)), 'last_admin');
    assert.equal((await store.get('root'))!.permissions, ['users.write']);
    // Not a holder: nothing to guard. Unguarded calls are not judged.
    assert.equal((await store.removePermission('plain', 'users.write', guard))!.permissions, ['services.read']);
    assert.is(await store.delete('plain', guard), true);
    assert.is(await store.delete('ghost', guard), false);
    await store.create(user('root2', { permissions: ['users.write'] }));
    assert.equal((await store.removePermission('root', 'users.write', guard))!.permissions, []);
    assert.equal(await store.holders('users.write'), ['root2']);
  });

  test('should keep a holder when two stores revoke two holders at the same moment, 50 rounds', async ({ store }) => {
    // Two administrators revoking each other's users.write, through two stores as two processes would.
    const other = store.second ? await store.second() : store;
    const guard = { keepOneHolderOf: 'users.write' } as const;
    let refused = 0;
    try {
      for (let round = 0; round < 50; round++) {
        const [a, b] = [`ra${round}`, `rb${round}`];
        for (const name of [a, b]) await store.create(user(name, { permissions: ['users.write'] }));
        const results = await Promise.all([
          codeOf(store.removePermission(a, 'users.write', guard)),
          codeOf(other.removePermission(b, 'users.write', guard)),
        ]);
        const holders = await store.holders('users.write');
        assert.ok(holders.length >= 1, `round ${round}: nobody holds users.write (${results})`);
        refused += results.filter((r) => r === 'last_admin').length;
        assert.ok(results.every((r) => r === undefined || r === 'last_admin'), String(results));
        // Back to no holder at all, for the next round: delete without a guard.
        for (const name of [a, b]) await store.delete(name);
      }
      assert.ok(refused >= 50, `refused ${refused} of 100`);
    } finally {
      if (other !== store) await other.close();
    }
  });

  test('should keep a holder when two stores delete two holders at the same moment', async ({ store }) => {
    const other = store.second ? await store.second() : store;
    const guard = { keepOneHolderOf: 'users.write' } as const;
    try {
      for (let round = 0; round < 20; round++) {
        const [a, b] = [`da${round}`, `db${round}`];
        for (const name of [a, b]) await store.create(user(name, { permissions: ['users.write'] }));
        await Promise.all([codeOf(store.delete(a, guard)), codeOf(other.delete(b, guard))]);
        const holders = await store.holders('users.write');
        assert.ok(holders.length >= 1, `round ${round}: nobody holds users.write`);
        for (const name of holders) await store.delete(name);
      }
    } finally {
      if (other !== store) await other.close();
    }
  });

  return test;
}
