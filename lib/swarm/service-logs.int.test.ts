/**
 * service-logs against the real engine, with a service that has written ~40 MB of log: one line without a
 * newline, which the json-file driver stores as ~4,900 partial entries of 16 KiB, so `tail: 10000` asks the
 * engine for all of it. The adapter must answer from a bounded window, never holding the body: the memory of
 * this process is sampled during the call.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connectTestSwarm, dockerTestOptions, removeServicesByPrefix, admitted, testServiceSpec, uniquePrefix, waitFor } from '../../testing/swarm.ts';
import { DEFAULT_LOG_LIMITS } from './log-stream.ts';
import type { Swarm } from './swarm.ts';

const MiB = 1024 * 1024;
// A full collection before each sample, so the figure is what the call keeps alive, not garbage V8 has not
// collected yet (it lets tens of MiB of spent chunks wait).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const prefix = uniquePrefix('it-logs-');
// NOTE: a generous deadline: on a loaded 2-core machine the engine takes seconds to send 40 MB of log.
const swarm: Swarm = await connectTestSwarm({ ...dockerTestOptions(), timeoutMs: 60_000 });
await removeServicesByPrefix(swarm, 'it-logs-', { olderThanMs: 10 * 60_000 });

const Logs = suite('service-logs on a big log (real engine)');

Logs.after(async () => {
  await removeServicesByPrefix(swarm, prefix);
});

/** Peak growth over the value before `run`, sampled every 20 ms while it runs: live heap and buffers (after
 *  a full collection) and the resident set. */
async function peakGrowth<T>(run: () => Promise<T>): Promise<{ result: T; rss: number; heap: number }> {
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers };
  };
  const base = used();
  let peak = { ...base };
  const timer = setInterval(() => {
    const now = used();
    peak = { rss: Math.max(peak.rss, now.rss), heap: Math.max(peak.heap, now.heap) };
  }, 20);
  try {
    const result = await run();
    const now = used();
    peak = { rss: Math.max(peak.rss, now.rss), heap: Math.max(peak.heap, now.heap) };
    return { result, rss: peak.rss - base.rss, heap: peak.heap - base.heap };
  } finally {
    clearInterval(timer);
  }
}

Logs('should answer a 40 MB log with tail 10000 within the byte bound, and grow this process by far less than the body', async () => {
  const name = `${prefix}big`;
  const mb = 40;
  // `head -c` from /dev/zero through `tr`: a bounded burst (a bare `yes` would fill the shared engine's disk).
  const script = `head -c ${mb * 1_000_000} /dev/zero | tr '\\0' a; echo; echo done-marker; sleep 3600`;
  const { id } = await swarm.createService(await admitted(testServiceSpec({ name, command: ['sh', '-c', script] })));
  await waitFor('the burst to be logged', async () => (await swarm.serviceLogs(id, { tail: 1 })).at(-1)?.text === 'done-marker', {
    timeoutMs: 120_000,
    intervalMs: 500,
  });
  const started = Date.now();
  const { result: lines, rss, heap } = await peakGrowth(() => swarm.serviceLogs(id, { tail: 10_000 }));
  const ms = Date.now() - started;
  const textBytes = lines.reduce((n, l) => n + Buffer.byteLength(l.text), 0);
  console.log(
    `  ${mb} MB log, tail 10000: ${lines.length} lines, ${(textBytes / MiB).toFixed(1)} MiB of text in ${ms} ms; ` +
      `peak growth during the call: live heap+buffers ${(heap / MiB).toFixed(1)} MiB, rss ${(rss / MiB).toFixed(1)} MiB`,
  );
  assert.ok(lines.at(-1)?.text === 'done-marker', `the newest lines are kept (last: ${lines.at(-1)?.text.slice(0, 40)})`);
  assert.ok(textBytes <= DEFAULT_LOG_LIMITS.maxTotalBytes, `${textBytes} bytes of text`);
  assert.ok(lines.every((l) => Buffer.byteLength(l.text) <= DEFAULT_LOG_LIMITS.maxLineBytes + 3), 'every line within the length bound');
  assert.ok(heap < 24 * MiB, `heap and buffers grew by ${(heap / MiB).toFixed(1)} MiB during the call`);
});

Logs.run();
