import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { apiTokenStoreContract, testToken } from '../api-token-store.contract.ts';
import { createEmbeddedApiTokenStore } from './embedded.ts';

const dirs: string[] = [];
const fresh = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'api-tokens-'));
  dirs.push(dataDir);
  return dataDir;
};
apiTokenStoreContract('embedded (SQLite)', async () => createEmbeddedApiTokenStore({ dataDir: fresh() })).run();

const file = suite('embedded ApiTokenStore file');
file('should keep the database readable by the owner only, and the tokens across a reopen', async () => {
  const dataDir = fresh();
  let store = createEmbeddedApiTokenStore({ dataDir });
  const a = testToken('alice');
  await store.create(a.token, a.hash);
  for (const name of ['api-tokens.db', 'api-tokens.db-wal']) assert.is(statSync(join(dataDir, name)).mode & 0o777, 0o600, name);
  await store.close();
  store = createEmbeddedApiTokenStore({ dataDir });
  assert.equal(await store.findByHash(a.hash), a.token);
  await store.close();
});
file.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
file.run();
