import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alertStoreContract, testRule } from '../alert-store.contract.ts';
import { createEmbeddedAlertStore } from './embedded.ts';

const dirs: string[] = [];
const fresh = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'alerts-'));
  dirs.push(dataDir);
  return dataDir;
};
const contract = alertStoreContract('embedded (SQLite)', async () => createEmbeddedAlertStore({ dataDir: fresh() }));
contract.run();

const file = suite('embedded AlertStore file');
file('should keep the database and its WAL readable by the owner only, and the rules across a reopen', async () => {
  const dataDir = fresh();
  let store = createEmbeddedAlertStore({ dataDir });
  await store.createRule(testRule('a'));
  for (const name of ['alerts.db', 'alerts.db-wal']) assert.is(statSync(join(dataDir, name)).mode & 0o777, 0o600, name);
  await store.close();
  store = createEmbeddedAlertStore({ dataDir });
  assert.equal(await store.listRules(), [testRule('a')]);
  await store.close();
});
file.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
file.run();
