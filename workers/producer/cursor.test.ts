import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileCursor } from './cursor.ts';

const test = suite<{ dir: string }>('file cursor', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'cursor-'));
});
test.after.each(({ dir }) => rmSync(dir, { recursive: true, force: true }));

test('should load what the last save wrote, across instances', async ({ dir }) => {
  const data = join(dir, 'nested', 'data');
  const cursor = fileCursor(data, 'node/1');
  assert.is(await cursor.load(), null);
  await cursor.save(1_700_000_000_000_000_001n);
  await cursor.save(1_700_000_000_000_000_002n);
  assert.is(await fileCursor(data, 'node/1').load(), 1_700_000_000_000_000_002n);
  assert.is(readFileSync(join(data, 'producer-cursor-node_1'), 'utf8'), '1700000000000000002\n');
  assert.is(await fileCursor(data, 'node-2').load(), null, 'one file per node');
});

test('should leave the event loop free while the file is written', async ({ dir }) => {
  const cursor = fileCursor(dir, 'n');
  let ticked = false;
  setImmediate(() => (ticked = true));
  const saving = cursor.save(5n);
  assert.is(ticked, false);
  await saving;
  assert.ok(ticked, 'a macrotask ran while saving: the write did not hold the thread');
  assert.is(await cursor.load(), 5n);
});

test.run();
