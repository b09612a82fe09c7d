import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { ObjectKind, ObjectListing } from '../types.ts';
import { createSecretsStore } from './secrets.ts';

const listing = (name: string, over: Partial<ObjectListing> = {}): ObjectListing => ({
  id: `id-${name}`, name, version: 1, labels: {}, createdAt: '2026-01-01T00:00:00Z', services: [], ...over,
});

/** A fake API over in-memory lists; it records every call with what it was sent. */
const fakeContext = (lists: Record<ObjectKind, ObjectListing[]>, data: Record<string, string> = {}) => {
  const calls: unknown[][] = [];
  const ctx = {
    api: {
      listObjects: async (kind: ObjectKind) => {
        if (kind === 'config' && data.forbidConfigs) throw new ApiError(403, 'forbidden', 'no configs.read');
        return lists[kind];
      },
      createObject: async (kind: ObjectKind, input: { name: string; data: string }) => {
        calls.push(['create', kind, input]);
        if (lists[kind].some((o) => o.name === input.name)) throw new ApiError(409, 'object_exists', 'exists');
        lists[kind].push(listing(input.name));
        return { id: 'x', name: input.name, version: 1 };
      },
      rotateObject: async (kind: ObjectKind, name: string, d: string) => {
        calls.push(['rotate', kind, name, d]);
        const o = lists[kind].find((x) => x.name === name)!;
        o.version += 1;
        return { name, version: o.version, services: o.services };
      },
      deleteObject: async (kind: ObjectKind, name: string) => {
        calls.push(['delete', kind, name]);
        const o = lists[kind].find((x) => x.name === name)!;
        if (o.services.length > 0) throw new ApiError(409, 'in_use', `in use by ${o.services.join(', ')}`, { services: o.services });
        lists[kind] = lists[kind].filter((x) => x !== o);
      },
      inspectConfig: async (name: string) => ({ ...lists.config.find((x) => x.name === name)!, data: data[name] ?? '' }),
    },
    toasts: { success: () => 0, error: () => 0, info: () => 0 },
  } as unknown as AppContext;
  return { ctx, calls };
};

const store = suite('secrets store');

store('should list secrets and configs, and keep one list when the other is forbidden', async () => {
  const f = fakeContext({ secret: [listing('db-pass')], config: [listing('nginx')] }, { forbidConfigs: '1' });
  const s = createSecretsStore(f.ctx);
  await s.load();
  assert.equal(s.secrets().map((x) => x.name), ['db-pass']);
  assert.equal(s.configs(), []);
  assert.match(s.error() ?? '', /configs\.read/);
});

store('should create with base64 data and reload, and show 409 object_exists on a second create', async () => {
  const f = fakeContext({ secret: [], config: [] });
  const s = createSecretsStore(f.ctx);
  assert.is(await s.create('secret', 'token', 'czNjcjN0', { team: 'a' }), true);
  assert.equal(f.calls[0], ['create', 'secret', { name: 'token', data: 'czNjcjN0', labels: { team: 'a' } }]);
  assert.equal(s.secrets().map((x) => x.name), ['token']);
  assert.is(await s.create('secret', 'token', 'eA=='), false);
  assert.is(s.problem()?.error.code, 'object_exists');
});

store('should rotate and show the new version', async () => {
  const f = fakeContext({ secret: [listing('token', { services: ['web'] })], config: [] });
  const s = createSecretsStore(f.ctx);
  await s.load();
  assert.is(await s.rotate('secret', 'token', 'bmV3'), true);
  assert.is(s.secrets()[0]!.version, 2);
});

store('should keep a secret in use, with the services that use it, and delete an unused one', async () => {
  const f = fakeContext({ secret: [listing('used', { services: ['shop_web'] }), listing('free')], config: [] });
  const s = createSecretsStore(f.ctx);
  await s.load();
  assert.is(await s.remove('secret', 'used'), false);
  assert.equal([s.problem()?.error.code, s.problem()?.name, s.problem()?.services], ['in_use', 'used', ['shop_web']]);
  assert.is(await s.remove('secret', 'free'), true);
  assert.equal(s.secrets().map((x) => x.name), ['used']);
});

store('should show a config\'s data, and hide it when the config is deleted', async () => {
  const f = fakeContext({ secret: [], config: [listing('nginx', { version: 3 })] }, { nginx: 'c2VydmVyIHt9' });
  const s = createSecretsStore(f.ctx);
  await s.load();
  await s.inspectConfig('nginx');
  assert.equal(s.shown(), { name: 'nginx', version: 3, data: 'c2VydmVyIHt9' });
  await s.remove('config', 'nginx');
  assert.is(s.shown(), null);
});
store.run();
