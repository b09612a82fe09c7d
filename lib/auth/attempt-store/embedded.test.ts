import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { attemptStoreContract } from '../attempt-store.contract.ts';
import { createEmbeddedAttemptStore } from './embedded.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'attempts-'));
  dirs.push(dataDir);
  return dataDir;
};
const test = attemptStoreContract('embedded (SQLite)', async () => {
  const dataDir = tempDir();
  return Object.assign(createEmbeddedAttemptStore({ dataDir }), { second: async () => createEmbeddedAttemptStore({ dataDir }) });
});
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
test.run();

const file = suite('embedded AttemptStore file');
file('should keep throttle.db in DATA_DIR, readable by the owner only, and purge expired records', async () => {
  const dataDir = tempDir();
  let clock = 1_000_000;
  const store = createEmbeddedAttemptStore({ dataDir, now: () => clock, purgeEveryMs: 10 });
  await store.add('k', { n: 1, at: clock, expiresAt: clock + 5 });
  assert.is((statSync(join(dataDir, 'throttle.db')).mode & 0o777).toString(8), '600');
  clock += 10;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(await store.list('k'), []);
  await store.close();
});
file.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
file.run();
