import { contractSuite } from './contract.suite.ts';

contractSuite('embedded composition (SQLite, in-process bus)').run();
