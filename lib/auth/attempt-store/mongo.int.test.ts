import { MongoClient } from 'mongodb';
import { attemptStoreContract } from '../attempt-store.contract.ts';
import { createMongoAttemptStore } from './mongo.ts';

const url = process.env.MONGO_URL;
if (!url) {
  console.error('MONGO_URL is not set: start FerretDB with scripts/servers/ferretdb.sh start (or npm run servers) and export what it prints');
  process.exit(1);
}
const run = `${process.pid}_${Date.now().toString(36)}`;
let n = 0;
const admin = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });

const contract = attemptStoreContract('mongo (FerretDB)', async () => {
  const database = `attempts_test_${run}_${++n}`;
  const store = createMongoAttemptStore({ url, database });
  return {
    ...store,
    second: async () => createMongoAttemptStore({ url, database }),
    async close() {
      await store.close();
      await admin.db(database).dropDatabase();
    },
  };
});
contract.after(() => admin.close());
contract.run();
