import { suite } from 'uvu';
import { alertStoreContract } from '../alert-store.contract.ts';
import { createMongoAlertStore } from './mongo.ts';
import { assertUnavailableOnClosedPort, testDatabases } from '../../../testing/mongo.ts';

const dbs = testDatabases('alerts_test');
const { url } = dbs;

// Each case gets a fresh database, dropped when the contract closes the store.
const contract = alertStoreContract('mongo (FerretDB)', async () => {
  const database = dbs.name();
  return dbs.dropping(await createMongoAlertStore({ url, database }), database);
});
contract.after(() => dbs.close());
contract.run();

const failures = suite('mongo AlertStore failures');
failures('should fail with store_unavailable when nothing listens on the port', () =>
  assertUnavailableOnClosedPort((closed) => createMongoAlertStore({ url: closed, serverSelectionTimeoutMs: 300 })));
failures.run();
