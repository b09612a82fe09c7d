import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventHistoryContract } from '../event-history.contract.ts';
import { testEvent } from '../test-events.ts';
import { createEmbeddedEventHistory } from './embedded.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'events-'));
  dirs.push(d);
  return d;
};
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

eventHistoryContract('embedded', {
  create: async () => createEmbeddedEventHistory({ dataDir: tempDir(), retentionDays: 0 }),
});

const embedded = suite('EmbeddedEventHistory');

embedded('should keep events across a reopen of the same data directory', async () => {
  const dataDir = tempDir();
  const first = createEmbeddedEventHistory({ dataDir });
  await first.append([testEvent(BigInt(Date.now()) * 1_000_000n, 1)]);
  await first.close();
  const second = createEmbeddedEventHistory({ dataDir });
  assert.is((await second.range({})).events.length, 1);
  await second.close();
});

embedded('should delete events older than the retention', async () => {
  const now = 1_800_000_000_000;
  const h = createEmbeddedEventHistory({ dataDir: tempDir(), retentionDays: 30, now: () => now });
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  await h.append([testEvent(ns(now - 31 * 86_400_000), 1), testEvent(ns(now - 29 * 86_400_000), 2)]);
  assert.is(h.prune(), 1);
  const page = await h.range({});
  assert.equal(page.events.map((e) => e.actor.attributes.n), ['2']);
  await h.close();
});

embedded('should create events.db and its WAL readable by the owner only (0600)', async () => {
  const dataDir = tempDir();
  const h = createEmbeddedEventHistory({ dataDir, retentionDays: 0 });
  await h.append([testEvent(1n)]);
  for (const name of ['events.db', 'events.db-wal']) assert.is((statSync(join(dataDir, name)).mode & 0o777).toString(8), '600', name);
  await h.close();
});

embedded.run();
