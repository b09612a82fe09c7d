/**
 * End to end: a body without a length (chunked) is cut off at the limit while it is read. Local mode runs as a
 * real process; the test streams 64 MiB to /function/login without logging in, with backpressure, and measures
 * how much the server took before it answered and how much its RSS grew.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_BODY_BYTES } from '../lib/http/input.ts';
import { startLocalServer, type LocalServer } from '../testing/local-server.ts';

const test = suite<{ server: LocalServer }>('local mode body limit', {} as { server: LocalServer });
test.before(async (ctx) => {
  ctx.server = await startLocalServer();
});
test.after(async ({ server }) => {
  await server.stop();
});

const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const MiB = 1024 * 1024;

test('should answer 413 payload_too_large to a 64 MiB chunked body and stop reading near the limit', async ({ server }) => {
  const pid = server.process.pid!;
  const rssBefore = rssOf(pid);
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 20);
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let response = '';
  let answeredAt = -1;
  socket.on('data', (d) => {
    response += d;
    if (answeredAt < 0) answeredAt = socket.bytesWritten - socket.writableLength;
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.write(`POST /function/login HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const headerBytes = socket.bytesWritten;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  let sent = 0;
  // Stop when the server has answered, stopped taking data (no drain for 2 s) or closed, or at 64 MiB.
  while (sent < 64 * MiB && answeredAt < 0 && !socket.destroyed) {
    if (!socket.write(frame)) {
      const drained = await Promise.race([
        new Promise<boolean>((r) => socket.once('drain', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
        closed.then(() => false),
      ]);
      if (!drained) break;
    }
    sent += chunk.length;
  }
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(sampler);
  const accepted = (answeredAt >= 0 ? answeredAt : socket.bytesWritten - socket.writableLength) - headerBytes;
  socket.destroy();
  assert.match(response, /^HTTP\/1\.1 413 /, response.slice(0, 200));
  assert.match(response, /"code":"payload_too_large"/);
  const growth = peakRss - rssBefore;
  console.log(
    `    body limit ${MAX_BODY_BYTES} bytes: the socket took ${accepted} bytes (${(accepted / MiB).toFixed(2)} MiB, kernel buffers included) ` +
      `of the 64 MiB before the 413; RSS grew ${(growth / MiB).toFixed(1)} MiB`,
  );
  assert.ok(accepted < 8 * MiB, `the server read ${accepted} bytes`);
  assert.ok(growth < 32 * MiB, `RSS grew ${growth} bytes`);
});

test.run();
