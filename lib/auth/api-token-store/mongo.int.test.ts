import { suite } from 'uvu';
import { apiTokenStoreContract } from '../api-token-store.contract.ts';
import { createMongoApiTokenStore } from './mongo.ts';
import { assertUnavailableOnClosedPort, testDatabases } from '../../../testing/mongo.ts';

const dbs = testDatabases('api_tokens_test');
const { url } = dbs;

const contract = apiTokenStoreContract('mongo (FerretDB)', async () => {
  const database = dbs.name();
  return dbs.dropping(await createMongoApiTokenStore({ url, database }), database);
});
contract.after(() => dbs.close());
contract.run();

const failures = suite('mongo ApiTokenStore failures');
failures('should fail with store_unavailable when nothing listens on the port', () =>
  assertUnavailableOnClosedPort((closed) => createMongoApiTokenStore({ url: closed, serverSelectionTimeoutMs: 300 })));
failures.run();
