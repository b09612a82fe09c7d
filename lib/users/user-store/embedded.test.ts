import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userStoreContract } from '../user-store.contract.ts';
import { createEmbeddedUserStore } from './embedded.ts';

const dirs: string[] = [];
const test = userStoreContract('embedded (SQLite)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'users-'));
  dirs.push(dataDir);
  return createEmbeddedUserStore({ dataDir });
});
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
test.run();
