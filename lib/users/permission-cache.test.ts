import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Invalidations, OnInvalidate } from './invalidations.ts';
import { createMemoryInvalidationHub, createMemoryInvalidations } from './invalidations/memory.ts';
import { createCachedUserStore } from './permission-cache.ts';
import { userStoreContract } from './user-store.contract.ts';
import type { NewUser, UserStore } from './user-store.ts';
import { createEmbeddedUserStore } from './user-store/embedded.ts';

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'users-cache-'));
  dirs.push(dir);
  return join(dir, 'users.db');
};

const user = (username: string, overrides: Partial<NewUser> = {}): NewUser => ({
  username,
  passwordHash: 'hash',
  permissions: ['services.read'],
  tokenVersion: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** The real embedded store, counting reads, with an optional gate that holds every `get` until released. */
function countingStore(path: string) {
  const inner = createEmbeddedUserStore({ path });
  const counts = { get: 0 };
  let gate: Promise<void> | undefined;
  const store: UserStore = {
    ...inner,
    async get(username) {
      counts.get++;
      const result = await inner.get(username);
      if (gate) await gate;
      return result;
    },
  };
  return {
    store,
    counts,
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

/** Invalidations that record what was published and deliver nothing (NATS down). */
function recordingInvalidations(): Invalidations & { published: string[]; listeners: Set<OnInvalidate> } {
  const published: string[] = [];
  const listeners = new Set<OnInvalidate>();
  return {
    published,
    listeners,
    async publish(username) {
      published.push(username);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {},
  };
}

// The decorator must keep the port's contract.
const contract = userStoreContract('cached (embedded inside, memory invalidations)', async () =>
  createCachedUserStore(createEmbeddedUserStore({ path: tempDb() }), { invalidations: createMemoryInvalidations() }),
);
contract.run();

type Ctx = { clock: { t: number }; now: () => number };
const test = suite<Ctx>('permission cache', {} as Ctx);
test.before.each((ctx) => {
  ctx.clock = { t: 1_000_000 };
  ctx.now = () => ctx.clock.t;
});
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('should answer repeated reads from memory until the TTL ends', async ({ clock, now }) => {
  const { store, counts } = countingStore(tempDb());
  await store.create(user('ann'));
  const cached = createCachedUserStore(store, { invalidations: recordingInvalidations(), ttlMs: 2000, now });
  assert.is((await cached.get('ann'))!.username, 'ann');
  assert.is((await cached.get('ann'))!.username, 'ann');
  clock.t += 1999;
  await cached.get('ann');
  assert.is(counts.get, 1);
  clock.t += 1;
  await cached.get('ann');
  assert.is(counts.get, 2);
  await cached.close();
});

test('should remember an unknown user only for the negative TTL', async ({ clock, now }) => {
  const { store, counts } = countingStore(tempDb());
  const cached = createCachedUserStore(store, { invalidations: recordingInvalidations(), ttlMs: 2000, negativeTtlMs: 300, now });
  assert.is(await cached.get('nobody'), null);
  assert.is(await cached.get('nobody'), null);
  assert.is(counts.get, 1);
  clock.t += 300;
  assert.is(await cached.get('nobody'), null);
  assert.is(counts.get, 2);
  await cached.close();
});

test('should share one store read between concurrent misses', async ({ now }) => {
  const { store, counts, hold } = countingStore(tempDb());
  await store.create(user('ann'));
  const cached = createCachedUserStore(store, { invalidations: recordingInvalidations(), now });
  const release = hold();
  const reads = Promise.all([cached.get('ann'), cached.get('ann'), cached.get('ann')]);
  await new Promise((r) => setTimeout(r, 10));
  release();
  assert.equal((await reads).map((u) => u!.username), ['ann', 'ann', 'ann']);
  assert.is(counts.get, 1);
  await cached.close();
});

test('should drop the entry and publish on every write, even one that fails', async ({ now }) => {
  const { store, counts } = countingStore(tempDb());
  const invalidations = recordingInvalidations();
  const cached = createCachedUserStore(store, { invalidations, now });
  const writes: Array<[string, () => Promise<unknown>]> = [
    ['create', () => cached.create(user('bo', { permissions: [] }))],
    ['addPermission', () => cached.addPermission('bo', 'nodes.read')],
    ['removePermission', () => cached.removePermission('bo', 'nodes.read')],
    ['setPassword', () => cached.setPassword('bo', 'new-hash')],
    ['endSessions', () => cached.endSessions('bo')],
    ['delete', () => cached.delete('bo')],
  ];
  for (const [name, write] of writes) {
    await cached.get('bo');
    const before = counts.get;
    await cached.get('bo');
    assert.is(counts.get, before, `${name}: the entry was cached`);
    await write();
    assert.is(invalidations.published.at(-1), 'bo', name);
    await cached.get('bo');
    assert.is(counts.get, before + 1, `${name}: read the store again`);
  }
  assert.is(invalidations.published.length, writes.length);

  await cached.create(user('dup'));
  await cached.get('dup');
  await cached.create(user('dup')).then(() => assert.unreachable('duplicate accepted'), (e) => assert.is(e.code, 'user_exists'));
  assert.equal(invalidations.published.slice(-2), ['dup', 'dup']);
  await cached.close();
});

test('should see a revoke made through another replica on the next read, without waiting', async ({ now }) => {
  const path = tempDb();
  const hub = createMemoryInvalidationHub();
  const a = createCachedUserStore(createEmbeddedUserStore({ path }), { invalidations: hub.connect(), now });
  const b = createCachedUserStore(createEmbeddedUserStore({ path }), { invalidations: hub.connect(), now });
  await a.create(user('cy', { permissions: ['users.read', 'services.read'] }));
  assert.equal((await b.get('cy'))!.permissions, ['services.read', 'users.read']);
  await a.removePermission('cy', 'users.read');
  assert.equal((await b.get('cy'))!.permissions, ['services.read']);
  await a.setPassword('cy', 'other');
  assert.is((await b.get('cy'))!.tokenVersion, 1);
  await a.delete('cy');
  assert.is(await b.get('cy'), null);
  await a.create(user('cy'));
  assert.ok(await b.get('cy'), 'a negative entry survived a create elsewhere');
  await a.close();
  await b.close();
});

test('should bound a missed revoke by the TTL when invalidations are lost', async ({ clock, now }) => {
  const path = tempDb();
  const a = createCachedUserStore(createEmbeddedUserStore({ path }), { invalidations: recordingInvalidations(), ttlMs: 1500, now });
  const b = createCachedUserStore(createEmbeddedUserStore({ path }), { invalidations: recordingInvalidations(), ttlMs: 1500, now });
  await a.create(user('di', { permissions: ['users.read'] }));
  assert.equal((await b.get('di'))!.permissions, ['users.read']);
  clock.t += 500;
  await a.removePermission('di', 'users.read');
  assert.equal((await b.get('di'))!.permissions, ['users.read'], 'stale within the TTL (the bound, not a goal)');
  clock.t += 1000;
  assert.equal((await b.get('di'))!.permissions, [], 'stale past the TTL');
  await a.close();
  await b.close();
});

test('should not keep a read that overlapped an invalidation', async ({ now }) => {
  const path = tempDb();
  const { store, counts, hold } = countingStore(path);
  const invalidations = recordingInvalidations();
  const cached = createCachedUserStore(store, { invalidations, now });
  const writer = createEmbeddedUserStore({ path });
  await writer.create(user('ed', { permissions: ['users.read'] }));
  const release = hold();
  const read = cached.get('ed'); // reads users.read, then waits at the gate
  await new Promise((r) => setTimeout(r, 10));
  await writer.removePermission('ed', 'users.read');
  for (const l of invalidations.listeners) l('ed');
  release();
  assert.equal((await read)!.permissions, ['users.read']);
  assert.equal((await cached.get('ed'))!.permissions, []);
  assert.is(counts.get, 2);
  await cached.close();
  await writer.close();
});

test('should drop every entry on a null invalidation (after a reconnect)', async ({ now }) => {
  const { store, counts } = countingStore(tempDb());
  await store.create(user('f1'));
  await store.create(user('f2'));
  const invalidations = recordingInvalidations();
  const cached = createCachedUserStore(store, { invalidations, now });
  await cached.get('f1');
  await cached.get('f2');
  for (const l of invalidations.listeners) l(null);
  await cached.get('f1');
  await cached.get('f2');
  assert.is(counts.get, 4);
  await cached.close();
  assert.is(invalidations.listeners.size, 0, 'close unsubscribes');
});

test('should hand out copies that callers cannot use to change the cache', async ({ now }) => {
  const { store } = countingStore(tempDb());
  await store.create(user('gi', { permissions: ['services.read'] }));
  const cached = createCachedUserStore(store, { invalidations: recordingInvalidations(), now });
  (await cached.get('gi'))!.permissions.push('users.write');
  assert.equal((await cached.get('gi'))!.permissions, ['services.read']);
  await cached.close();
});

test('should refuse a TTL above 5 s at construction', () => {
  const inner = createEmbeddedUserStore({ path: tempDb() });
  assert.throws(() => createCachedUserStore(inner, { invalidations: recordingInvalidations(), ttlMs: 5001 }), /TTL/);
  assert.throws(() => createCachedUserStore(inner, { invalidations: recordingInvalidations(), ttlMs: 0 }), /TTL/);
  void inner.close();
});

test('should tell onChange of its own writes and of other replicas\' changes, after the entry is dropped', async ({ now }) => {
  const { store } = countingStore(tempDb());
  await store.create(user('oc', { permissions: ['events.read'] }));
  const invalidations = recordingInvalidations();
  const seen: Array<{ username: string | null; permissions: string[] | undefined }> = [];
  const cached: UserStore = createCachedUserStore(store, {
    invalidations,
    now,
    // Reads inside the callback must already see the change: the relay re-checks from here.
    onChange: (username) => void (username === null ? seen.push({ username, permissions: undefined }) : cached.get(username).then((u) => seen.push({ username, permissions: u?.permissions }))),
  });
  assert.equal((await cached.get('oc'))!.permissions, ['events.read']);
  await cached.removePermission('oc', 'events.read');
  await new Promise((r) => setImmediate(r));
  assert.equal(seen, [{ username: 'oc', permissions: [] }]);
  await store.addPermission('oc', 'events.read'); // another replica's write, then its invalidation
  for (const l of invalidations.listeners) l('oc');
  for (const l of invalidations.listeners) l(null);
  await new Promise((r) => setImmediate(r));
  // null is recorded at once, 'oc' after its read.
  assert.equal(seen.slice(1), [{ username: null, permissions: undefined }, { username: 'oc', permissions: ['events.read'] }]);
  await cached.close();
});

test.run();
