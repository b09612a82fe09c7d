/**
 * The hono-node template's starter (template/hono-node/function/index.mjs) as a process: the workload contract
 * without a watchdog. The image path (faas-cli new, build, deploy, invoke) is in functions.int.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../testing/local-server.ts';

const starter = resolve(import.meta.dirname, '../../template/hono-node/function/index.mjs');
const Starter = suite('hono-node template starter');
const dir = mkdtempSync(join(tmpdir(), 'starter-'));
Starter.after(() => rmSync(dir, { recursive: true, force: true }));

Starter('should serve health, ready and the lock file, answer calls, and drain on SIGTERM with exit 0', async () => {
  const port = await freePort();
  const lock = join(dir, '.lock');
  const child = spawn(process.execPath, [starter], { env: { ...process.env, PORT: String(port), LOCK_FILE: lock, healthcheck_interval: '300ms', max_inflight: '5' }, stdio: 'inherit' });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(lock), 'the lock file is written once listening');
  assert.is((await fetch(`${url}/_/health`)).status, 200);
  assert.is((await fetch(`${url}/_/ready`)).status, 200);
  const answer = await fetch(`${url}/echo?x=1`, { method: 'POST', body: 'hello' });
  assert.is(answer.status, 200);
  assert.equal(((await answer.json()) as { bytes: number; path: string }).bytes, 5);
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 100));
  assert.not.ok(existsSync(lock), 'the lock file goes at SIGTERM');
  const during = await fetch(`${url}/_/health`);
  assert.is(during.status, 503, 'not ready while draining');
  assert.is(during.headers.get('connection'), 'close');
  assert.is((await fetch(`${url}/x`, { method: 'POST', body: '{}' })).status, 200, 'still answers while draining');
  assert.is(await exited, 0);
});

Starter.run();
