import { MongoClient } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../../testing/local-server.ts';
import { apiTokenStoreContract } from '../api-token-store.contract.ts';
import { createMongoApiTokenStore } from './mongo.ts';

const url = process.env.MONGO_URL;
if (!url) {
  console.error('MONGO_URL is not set: start FerretDB with scripts/servers/ferretdb.sh start (or npm run servers) and export what it prints');
  process.exit(1);
}
const run = `${process.pid}_${Date.now().toString(36)}`;
let n = 0;
const admin = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });

const contract = apiTokenStoreContract('mongo (FerretDB)', async () => {
  const database = `api_tokens_test_${run}_${++n}`;
  const store = await createMongoApiTokenStore({ url, database });
  return {
    ...store,
    async close() {
      await store.close();
      await admin.db(database).dropDatabase();
    },
  };
});
contract.after(() => admin.close());
contract.run();

const failures = suite('mongo ApiTokenStore failures');
failures('should fail with store_unavailable when nothing listens on the port', async () => {
  const port = await freePort();
  try {
    await createMongoApiTokenStore({ url: `mongodb://127.0.0.1:${port}/`, serverSelectionTimeoutMs: 300 });
    assert.unreachable('connected to nothing');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'store_unavailable');
  }
});
failures.run();
