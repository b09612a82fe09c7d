import { attemptStoreContract } from '../attempt-store.contract.ts';
import { createMongoAttemptStore } from './mongo.ts';
import { testDatabases } from '../../../testing/mongo.ts';

const dbs = testDatabases('attempts_test');
const { url } = dbs;

const contract = attemptStoreContract('mongo (FerretDB)', async () => {
  const database = dbs.name();
  return { ...dbs.dropping(createMongoAttemptStore({ url, database }), database), second: async () => createMongoAttemptStore({ url, database }) };
});
contract.after(() => dbs.close());
contract.run();
