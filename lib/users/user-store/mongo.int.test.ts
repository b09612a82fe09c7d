import { createServer, connect, type Server, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../../testing/local-server.ts';
import { userStoreContract } from '../user-store.contract.ts';
import type { UserStore } from '../user-store.ts';
import { createMongoUserStore } from './mongo.ts';
import { testDatabases } from '../../../testing/mongo.ts';

const dbs = testDatabases('users_test');
const { url, admin } = dbs;

// Each case gets a fresh database, dropped when the contract closes the store.
const contract = userStoreContract('mongo (FerretDB)', async () => {
  const database = dbs.name();
  return {
    ...dbs.dropping(await createMongoUserStore({ url, database }), database),
    // Another replica on the same database: its own client and its own per-user queue.
    second: () => createMongoUserStore({ url, database }),
  };
});
contract.run();

const failures = suite('mongo UserStore failures');

const assertCode = async (what: string, p: Promise<unknown>, code: string) => {
  try {
    await p;
    assert.unreachable(`${what} succeeded`);
  } catch (e) {
    assert.instance(e, Error);
    assert.is((e as { code?: string }).code, code, `${what}: ${(e as Error).message}`);
  }
};

failures('should fail with store_unavailable when nothing listens on the port', async () => {
  const port = await freePort();
  const started = Date.now();
  await assertCode('create on a closed port', createMongoUserStore({ url: `mongodb://127.0.0.1:${port}/`, serverSelectionTimeoutMs: 300 }), 'store_unavailable');
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});

failures('should answer store_unavailable once the server goes away, and work again when it is back', async () => {
  // A TCP relay in front of FerretDB that the test can cut: the store sees a server that stops.
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let open = true;
  const relay: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(target.port || 27017), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const port = (relay.address() as { port: number }).port;
  const database = dbs.name('cut');
  const store: UserStore = await createMongoUserStore({ url: `mongodb://127.0.0.1:${port}/`, database, serverSelectionTimeoutMs: 500 });
  try {
    await store.create({ username: 'cut', passwordHash: 'h', permissions: ['services.read'], tokenVersion: 0, createdAt: '2026-01-01T00:00:00.000Z' });
    assert.is((await store.get('cut'))!.username, 'cut');

    open = false;
    for (const s of sockets) s.destroy();
    await assertCode('get', store.get('cut'), 'store_unavailable');
    await assertCode('addPermission', store.addPermission('cut', 'nodes.read'), 'store_unavailable');
    await assertCode('endSessions', store.endSessions('cut'), 'store_unavailable');
    await assertCode('holders', store.holders('users.write'), 'store_unavailable');

    open = true;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        assert.is((await store.get('cut'))!.tokenVersion, 0);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await store.close();
    await new Promise((r) => relay.close(r));
    await admin.db(database).dropDatabase();
  }
});

failures('should keep one document per user with the username as _id, and index permissions', async () => {
  const database = dbs.name('shape');
  const store = await createMongoUserStore({ url, database });
  try {
    await store.create({ username: 'shape', passwordHash: 'h', permissions: ['users.read', 'users.read', 'nodes.read'], tokenVersion: 2, createdAt: '2026-01-01T00:00:00.000Z' });
    const doc = await admin.db(database).collection('users').findOne({ _id: 'shape' as never });
    assert.match(String(doc?.['id']), /^[\w-]{16,}$/);
    assert.equal({ ...doc, id: 'x' }, { _id: 'shape', id: 'x', passwordHash: 'h', permissions: ['nodes.read', 'users.read'], tokenVersion: 2, createdAt: '2026-01-01T00:00:00.000Z' });
    const indexes = await admin.db(database).collection('users').indexes();
    assert.ok(indexes.some((i) => JSON.stringify(i.key) === '{"permissions":1}'), JSON.stringify(indexes));
  } finally {
    await store.close();
    await admin.db(database).dropDatabase();
  }
});

failures('should give documents from before account ids an id on first read, kept after', async () => {
  const database = dbs.name('legacy');
  await admin.db(database).collection('users').insertOne({ _id: 'legacy' as never, passwordHash: 'h', permissions: ['users.write'], tokenVersion: 3, createdAt: '2025-01-01T00:00:00.000Z' });
  const store = await createMongoUserStore({ url, database });
  const other = await createMongoUserStore({ url, database });
  try {
    const [a, b] = await Promise.all([store.get('legacy'), other.get('legacy')]);
    assert.match(a!.id, /^[\w-]{16,}$/);
    assert.is(b!.id, a!.id, 'two replicas migrating at once agree');
    assert.equal({ ...a!, id: 'x' }, { id: 'x', username: 'legacy', passwordHash: 'h', permissions: ['users.write'], tokenVersion: 3, createdAt: '2025-01-01T00:00:00.000Z' });
    assert.is((await store.list())[0]!.id, a!.id);
    assert.is((await admin.db(database).collection('users').findOne({ _id: 'legacy' as never }))!['id'], a!.id);
  } finally {
    await store.close();
    await other.close();
    await admin.db(database).dropDatabase();
  }
});

failures('should count every concurrent token-version bump made through one store', async () => {
  // FerretDB loses concurrent read-modify-writes of one document; the store serialises its own (see mongo.ts).
  const database = dbs.name('bumps');
  const store = await createMongoUserStore({ url, database });
  try {
    await store.create({ username: 'bumps', passwordHash: 'h', permissions: [], tokenVersion: 0, createdAt: '2026-01-01T00:00:00.000Z' });
    const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store.endSessions('bumps') : store.setPassword('bumps', `h${i}`))));
    assert.equal([...versions].sort((a, b) => a! - b!), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.is((await store.get('bumps'))!.tokenVersion, 20);
  } finally {
    await store.close();
    await admin.db(database).dropDatabase();
  }
});

failures.after(async () => {
  await admin.close();
});
failures.run();
