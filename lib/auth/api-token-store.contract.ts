/** The ApiTokenStore contract suite: every adapter's test file calls it with a factory of empty stores. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generateApiToken, hashApiToken, type ApiToken, type ApiTokenStore } from './api-tokens.ts';

export const testToken = (owner: string, over: Partial<ApiToken> = {}): { token: ApiToken; secret: string; hash: string } => {
  const { token: secret, id } = generateApiToken();
  return {
    secret,
    hash: hashApiToken(secret),
    token: {
      id,
      name: `ci ${id.slice(0, 4)}`,
      owner,
      accountId: `acct-${owner}`,
      permissions: ['services.read', 'services.write:stack=shop'],
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-04-01T00:00:00.000Z',
      lastUsedAt: null,
      ...over,
    },
  };
};

export function apiTokenStoreContract(name: string, factory: () => Promise<ApiTokenStore>) {
  const test = suite<{ store: ApiTokenStore }>(`ApiTokenStore contract: ${name}`, {} as { store: ApiTokenStore });
  test.before.each(async (ctx) => {
    ctx.store = await factory();
  });
  test.after.each(async (ctx) => {
    await ctx.store.close();
  });

  test('should find a token by the hash of its secret, and nothing by another hash', async ({ store }) => {
    const a = testToken('alice');
    await store.create(a.token, a.hash);
    assert.equal(await store.findByHash(a.hash), a.token);
    assert.is(await store.findByHash(hashApiToken(generateApiToken().token)), null);
    assert.is(await store.findByHash(a.secret), null);
  });

  test('should list only the owner\'s tokens, oldest first', async ({ store }) => {
    const a1 = testToken('alice', { createdAt: '2026-01-02T00:00:00.000Z' });
    const a2 = testToken('alice', { createdAt: '2026-01-01T00:00:00.000Z' });
    const b = testToken('bob');
    for (const t of [a1, a2, b]) await store.create(t.token, t.hash);
    assert.equal(await store.list('alice'), [a2.token, a1.token]);
    assert.equal(await store.list('bob'), [b.token]);
    assert.equal(await store.list('carol'), []);
  });

  test('should revoke only the owner\'s token, once', async ({ store }) => {
    const a = testToken('alice');
    await store.create(a.token, a.hash);
    assert.is(await store.revoke('bob', a.token.id), false);
    assert.ok(await store.findByHash(a.hash));
    assert.is(await store.revoke('alice', a.token.id), true);
    assert.is(await store.findByHash(a.hash), null);
    assert.is(await store.revoke('alice', a.token.id), false);
  });

  test('should record the last use at most once a minute', async ({ store }) => {
    const a = testToken('alice');
    await store.create(a.token, a.hash);
    await store.touch(a.token.id, '2026-01-05T00:00:00.000Z');
    assert.is((await store.findByHash(a.hash))!.lastUsedAt, '2026-01-05T00:00:00.000Z');
    await store.touch(a.token.id, '2026-01-05T00:00:30.000Z');
    assert.is((await store.findByHash(a.hash))!.lastUsedAt, '2026-01-05T00:00:00.000Z');
    await store.touch(a.token.id, '2026-01-05T00:01:00.000Z');
    assert.is((await store.findByHash(a.hash))!.lastUsedAt, '2026-01-05T00:01:00.000Z');
  });

  return test;
}
