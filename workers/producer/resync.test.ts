import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromDockerEvent } from '../../lib/events/docker-event.ts';
import { emptySnapshot, fileSnapshot, observe, resyncEvents, stillNeeded, toListedObject, type SwarmSnapshot } from './resync.ts';

const T0 = 1_700_000_000_000_000_000n;
const listed = (id: string, version: number, created: bigint, updated: bigint) =>
  toListedObject('service', {
    ID: id,
    Version: { Index: version },
    CreatedAt: `2023-11-14T22:13:20.${String(created - T0).padStart(9, '0')}Z`,
    UpdatedAt: `2023-11-14T22:13:20.${String(updated - T0).padStart(9, '0')}Z`,
    Spec: { Name: `name-${id}` },
  })!;

const resync = suite('producer resync events');

resync('should give the same ids whichever producer or restart derives them', () => {
  const snapshot: SwarmSnapshot = { service: { gone: ['old-web', String(T0)], a: ['name-a', String(T0 + 1n)] }, node: {} };
  const objects = [listed('a', 12, T0 + 1n, T0 + 9n), listed('b', 15, T0 + 5n, T0 + 7n), listed('c', 3, T0 + 6n, T0 + 6n)];
  const one = resyncEvents(structuredClone(snapshot), objects, 'node-1', T0 + 100n);
  const two = resyncEvents(structuredClone(snapshot), objects, 'node-2', T0 + 555n);
  assert.equal(one.map((e) => e.id), two.map((e) => e.id));
  assert.equal(one.map((e) => `${e.action} ${e.actor.id}`), ['create b', 'create c', 'update b', 'update a', 'remove gone']);
  const update = one.find((e) => e.actor.id === 'a')!;
  assert.equal(update.actor.attributes, { name: 'name-a', 'dashboard.resync': 'true', version: '12' });
  assert.is(update.timeNano, String(T0 + 9n));
  assert.equal(one.find((e) => e.action === 'remove')!.actor.attributes, { name: 'old-web' });
});

resync('should reproduce the engine own create and remove events, id for id', () => {
  const engineCreate = fromDockerEvent({ Type: 'service', Action: 'create', scope: 'swarm', timeNano: String(T0 + 5n), Actor: { ID: 'b', Attributes: { name: 'name-b' } } })!;
  const engineRemove = fromDockerEvent({ Type: 'service', Action: 'remove', scope: 'swarm', timeNano: String(T0 + 999n), Actor: { ID: 'gone', Attributes: { name: 'old-web' } } })!;
  const events = resyncEvents({ service: { gone: ['old-web', String(T0)] }, node: {} }, [listed('b', 15, T0 + 5n, T0 + 5n)], 'n', T0 + 100n);
  assert.equal(events.map((e) => e.id).sort(), [engineCreate.id, engineRemove.id].sort());
});

resync('should emit nothing when the snapshot matches the engine, and fold events into it', () => {
  const snapshot = emptySnapshot();
  const created = fromDockerEvent({ Type: 'service', Action: 'create', scope: 'swarm', timeNano: String(T0 + 1n), Actor: { ID: 'a', Attributes: { name: 'name-a' } } })!;
  const updated = fromDockerEvent({ Type: 'service', Action: 'update', scope: 'swarm', timeNano: String(T0 + 9n), Actor: { ID: 'a', Attributes: { name: 'name-a', 'replicas.new': '2' } } })!;
  const container = fromDockerEvent({ Type: 'container', Action: 'start', scope: 'local', timeNano: String(T0 + 3n), Actor: { ID: 'x', Attributes: {} } })!;
  assert.ok(observe(snapshot, [created, updated, container, created]));
  assert.equal(snapshot, { service: { a: ['name-a', String(T0 + 9n)] }, node: {} });
  assert.equal(resyncEvents(snapshot, [listed('a', 12, T0 + 1n, T0 + 9n)], 'n', T0), []);
  const [late] = resyncEvents(snapshot, [listed('a', 14, T0 + 1n, T0 + 11n)], 'n', T0);
  assert.ok(stillNeeded(snapshot, late!));
  observe(snapshot, [fromDockerEvent({ Type: 'service', Action: 'update', scope: 'swarm', timeNano: String(T0 + 11n), Actor: { ID: 'a', Attributes: { name: 'name-a' } } })!]);
  assert.not.ok(stillNeeded(snapshot, late!));
});

resync('should keep the snapshot in a file, and read a broken file as none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snap-'));
  try {
    const store = fileSnapshot(dir, 'node/1');
    assert.is(await store.load(), null);
    const value: SwarmSnapshot = { service: { a: ['web', '17'] }, node: { n: ['host', '3'] } };
    await store.save(value);
    assert.equal(await fileSnapshot(dir, 'node/1').load(), value);
    writeFileSync(join(dir, 'producer-state-node_1.json'), '{"service": {"a": ["web", "x"]}, "node": {}}');
    assert.is(await store.load(), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

resync.run();
