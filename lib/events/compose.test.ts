import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEventAdapters } from './compose.ts';
import { testEvent } from './test-events.ts';

const adapters = suite('createEventAdapters');

adapters('should pick the memory bus and the embedded history unless both cluster settings are set', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'compose-'));
  try {
    const a = await createEventAdapters({ dataDir, kafkaBrokers: ['127.0.0.1:1'] });
    assert.is(a.mode, 'embedded');
    const stored: string[] = [];
    await a.bus.consume('g', async (events) => void stored.push(...events.map((e) => e.id)));
    const e = testEvent(BigInt(Date.now()) * 1_000_000n, 1);
    await a.bus.publish([e]);
    assert.equal(stored, [e.id]);
    await a.history.append([e]);
    assert.is((await a.history.range({})).events.length, 1);
    await a.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

adapters.run();
