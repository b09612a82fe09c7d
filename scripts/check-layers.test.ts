import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLayers, formatReport, type Rule } from './check-layers.ts';

const test = suite('check-layers');

// A small tree that keeps every rule, including the allowed cases next to each rule.
const CLEAN: Record<string, string> = {
  'lib/permissions.ts': `export const PERMISSIONS = ['read'] as const;\nexport type Permission = string;\n`,
  'lib/swarm/swarm.ts': `export interface Swarm { list(): string[] }\n`,
  'lib/swarm/docker.ts': `import Docker from 'dockerode';\nimport type { Swarm } from './swarm.ts';\nexport const make = (): Swarm => ({ list: () => [String(Docker)] });\n`,
  'lib/compose.ts': `import { make } from './swarm/docker.ts';\nexport const createDeps = () => ({ swarm: make() });\n`,
  'functions/list/handler.ts': `import { Hono } from 'hono';\nimport type { Swarm } from '../../lib/swarm/swarm.ts';\nexport const handler = (deps: { swarm: Swarm }) => new Hono().get('/', (c) => c.json(deps.swarm.list()));\n`,
  'functions/list/handler.test.ts': `import { MongoClient } from 'mongodb';\nimport { createDeps } from '../../lib/compose.ts';\nconsole.log(MongoClient, createDeps, process.env.X);\n`,
  'frontend/src/types.ts': `export type { Permission } from '../../lib/permissions.ts';\nimport type { Swarm } from '../../lib/swarm/swarm.ts';\nimport { type Permission, type PERMISSIONS } from '../../lib/permissions.ts';\nexport type T = Swarm | Permission | typeof PERMISSIONS;\nexport type U = import('../../lib/swarm/swarm.ts').Swarm;\n`,
  'frontend/src/app.tsx': `import { render } from 'solid-js/web';\nimport { helper } from './logic/helper.ts';\nexport const App = () => <div>{String(render)}{helper}</div>;\n`,
  'frontend/src/logic/helper.ts': `import { PERMISSIONS } from '../../../lib/shared/names.ts';\nexport const helper = PERMISSIONS.length;\n`,
  'lib/shared/names.ts': `import type { Swarm } from '../swarm/swarm.ts';\nimport { ONE } from './one.ts';\nexport const PERMISSIONS = [ONE] as const;\nexport type S = Swarm;\n`,
  'lib/shared/one.ts': `export const ONE = 'read';\n`,
  'workers/producer/main.ts': `import { run } from './run.ts';\nrun(process.env.DOCKER_HOST ?? '');\nprocess.on('SIGTERM', () => process.exit(0));\n`,
  'workers/producer/run.ts': `// no process here: the entry point passes what it read\nexport const run = (host: string) => host.length;\n`,
  'workers/producer/run.test.ts': `import { run } from './run.ts';\nrun(process.cwd());\n`,
  'node_modules/x/index.ts': `import '../../functions/list/handler.ts';\nprocess.exit(1);\n`,
  '.cache/lib/skip.ts': `import '../../workers/producer/main.ts';\n`,
};

function tree(extra: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'check-layers-'));
  for (const [file, text] of Object.entries({ ...CLEAN, ...extra })) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

function check(extra: Record<string, string> = {}) {
  const root = tree(extra);
  try {
    return checkLayers(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function expectOnly(rule: Rule, extra: Record<string, string>, lines: string[]) {
  const report = check(extra);
  assert.equal(report.failed, [rule]);
  assert.equal(report.passed.length, 3);
  assert.equal(report.violations.map((v) => `${v.file}:${v.line} ${v.rule}`), lines);
  assert.ok(formatReport(report).endsWith('\n3 passed, 1 failed'));
}

test('a tree that keeps the rules passes all four', () => {
  const report = check();
  assert.equal(report.violations, []);
  assert.equal(report.failed, []);
  assert.equal(report.passed, ['lib-independent', 'functions-no-io', 'frontend-types-only', 'workers-no-process']);
  assert.is(formatReport(report), '4 passed, 0 failed');
  assert.is(report.files, 14); // node_modules and .cache are skipped
});

test('lib-independent: lib importing functions/, local/, relay/ or workers/ fails, type-only too', () => {
  expectOnly('lib-independent', {
    'lib/openapi.ts': `import { routes } from '../functions/index.ts';\nimport type { X } from '../workers/producer/run.ts';\nexport * from '../relay/hub.ts';\nexport const f = async () => import('../local/main.ts');\nexport { routes };\n`,
  }, [
    'lib/openapi.ts:1 lib-independent',
    'lib/openapi.ts:2 lib-independent',
    'lib/openapi.ts:3 lib-independent',
    'lib/openapi.ts:4 lib-independent',
  ]);
});

test('functions-no-io: a driver, an adapter or a composition root fails outside tests', () => {
  expectOnly('functions-no-io', {
    'functions/openfaas.ts': [
      `import { createDeps } from '../lib/compose.ts';`,
      `import { MongoClient } from 'mongodb';`,
      `import { Kafka } from 'kafkajs';`,
      `import type { Store } from '../lib/users/user-store/mongo.ts';`,
      `import { make } from '../lib/swarm/docker.ts';`,
      `import { compose } from '../lib/events/compose.ts';`,
      `import { bus } from '../lib/events/event-bus/nats.ts';`,
      `import { connect } from 'nats';`,
      `import Database from 'better-sqlite3';`,
      `import { Client } from 'cassandra-driver';`,
      `import { Swarm } from '../lib/swarm/swarm.ts';`,
      `import { Hono } from 'hono';`,
    ].join('\n'),
  }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `functions/openfaas.ts:${n} functions-no-io`));
});

test('frontend-types-only: a value import from outside frontend/ in the SPA fails; type-only forms and tests pass', () => {
  expectOnly('frontend-types-only', {
    'frontend/src/logic/permissions.ts': `import { PERMISSIONS } from '../../../lib/permissions.ts';\nimport { type Permission, PERMISSIONS as P } from '../../../lib/permissions.ts';\nimport '../../../lib/swarm/swarm.ts';\nexport { PERMISSIONS } from '../../../lib/permissions.ts';\nimport * as perms from '../../../lib/permissions.ts';\nexport type X = Permission | typeof P | typeof perms | typeof PERMISSIONS;\n`,
    'frontend/e2e/app.int.test.ts': `import { startLocalServer } from '../../lib/testing/local-server.ts';\nconsole.log(startLocalServer);\n`,
  }, [
    'frontend/src/logic/permissions.ts:1 frontend-types-only',
    'frontend/src/logic/permissions.ts:2 frontend-types-only',
    'frontend/src/logic/permissions.ts:3 frontend-types-only',
    'frontend/src/logic/permissions.ts:4 frontend-types-only',
    'frontend/src/logic/permissions.ts:5 frontend-types-only',
  ]);
});

test('frontend-types-only: lib/shared/, which the SPA bundles, importing a package or other repo code for its values fails', () => {
  expectOnly('frontend-types-only', {
    'lib/shared/words.ts': `import { z } from 'zod';\nimport { PERMISSIONS } from '../permissions.ts';\nimport type { Swarm } from '../swarm/swarm.ts';\nimport { ONE } from './one.ts';\nexport const w = [z, PERMISSIONS, ONE];\nexport type S = Swarm;\n`,
    'lib/shared/words.test.ts': `import { Kafka } from 'kafkajs';\nconsole.log(Kafka);\n`,
  }, [
    'lib/shared/words.ts:1 frontend-types-only',
    'lib/shared/words.ts:2 frontend-types-only',
  ]);
});

test('workers-no-process: process in a worker loop or helper fails; main.ts and tests pass', () => {
  expectOnly('workers-no-process', {
    'workers/producer/run.ts': `export const run = (host: string) => host.length + Number(process.env.N);\n`,
    'workers/boot.ts': `import process from 'node:process';\nexport const stop = () => process['exit'](0);\n`,
    'workers/consumer/main.ts': `process.on('SIGTERM', () => process.exit(0));\n`,
  }, [
    'workers/boot.ts:1 workers-no-process',
    'workers/boot.ts:2 workers-no-process',
    'workers/producer/run.ts:1 workers-no-process',
  ]);
});

test('several broken rules are counted once each', () => {
  const report = check({
    'lib/a.ts': `import '../functions/list/handler.ts';\nimport '../functions/list/handler.ts';\n`,
    'workers/producer/run.ts': `export const run = () => process.pid;\n`,
  });
  assert.equal(report.failed, ['lib-independent', 'workers-no-process']);
  assert.is(report.violations.length, 3);
  assert.ok(formatReport(report).endsWith('\n2 passed, 2 failed'));
});

test.run();
