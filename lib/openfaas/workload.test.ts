import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startWorkload, withExecTimeout, type Workload, type WorkloadSettings } from './workload.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, path: string, options: { method?: string; body?: string; agent?: Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: options.agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'workload-test-'));
const settings = (over: Partial<WorkloadSettings> = {}): WorkloadSettings => ({
  host: '127.0.0.1',
  port: 0,
  maxInflight: 0,
  healthcheckIntervalMs: 200,
  writeTimeoutMs: 2000,
  lockFile: join(dir, `lock-${Math.random()}`),
  ...over,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A handler that answers after `?ms=` milliseconds (default 0), echoing the body's length. */
const slow = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
  const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
  let length = 0;
  req.on('data', (d: Buffer) => (length += d.length));
  req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ length })), ms));
};

const Probes = suite('workload: probes and the lock file');
let w: Workload;
Probes.after(async () => {
  await w?.drain();
});

Probes('should answer /_/health and /_/ready 503 and hold no lock file until ready', async () => {
  const s = settings();
  w = await startWorkload(slow, s);
  assert.is((await call(w.port, '/_/health')).status, 503);
  assert.is((await call(w.port, '/_/ready')).status, 503);
  assert.not.ok(existsSync(s.lockFile!));
  w.ready();
  assert.is((await call(w.port, '/_/health')).status, 200);
  assert.is((await call(w.port, '/_/ready')).status, 200);
  assert.ok(existsSync(s.lockFile!), 'the lock file the HEALTHCHECK reads');
  assert.is((await call(w.port, '/anything')).status, 200, 'other paths go to the function');
});
Probes.run();

const Limits = suite('workload: max_inflight and exec_timeout');

Limits('should answer 429 rate_limited with Retry-After over max_inflight, and /_/ready 429', async () => {
  const workload = await startWorkload(slow, settings({ maxInflight: 2 }));
  workload.ready();
  const held = [call(workload.port, '/?ms=300'), call(workload.port, '/?ms=300')];
  await sleep(50);
  const over = await call(workload.port, '/');
  assert.is(over.status, 429);
  assert.is(over.headers['retry-after'], '1');
  assert.is((JSON.parse(over.body) as { error: { code: string } }).error.code, 'rate_limited');
  assert.is((await call(workload.port, '/_/ready')).status, 429);
  assert.equal((await Promise.all(held)).map((a) => a.status), [200, 200]);
  assert.is((await call(workload.port, '/')).status, 200, 'answers again once below the limit');
  await workload.drain();
});

Limits('should answer 504 timeout in the error shape when the handler is slower than exec_timeout', async () => {
  const fetch = withExecTimeout(async (req: Request) => {
    await sleep(Number(new URL(req.url).searchParams.get('ms')));
    return new Response('late');
  }, 100);
  const timedOut = await fetch(new Request('http://x/?ms=400'));
  assert.is(timedOut.status, 504);
  assert.is(((await timedOut.json()) as { error: { code: string } }).error.code, 'timeout');
  const inTime = await fetch(new Request('http://x/?ms=10'));
  assert.is(inTime.status, 200);
  assert.is(await inTime.text(), 'late');
});
Limits.run();

const Drain = suite('workload: drain on SIGTERM');

Drain('should report not ready at once, answer in-flight and keep-alive callers, then close', async () => {
  const s = settings({ healthcheckIntervalMs: 300 });
  const workload = await startWorkload(slow, s);
  workload.ready();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  assert.is((await call(workload.port, '/', { agent })).status, 200, 'a pooled connection');
  const inflight = call(workload.port, '/?ms=500');
  await sleep(30);
  const drained = workload.drain();
  assert.is((await call(workload.port, '/_/health')).status, 503, 'not ready while draining');
  assert.not.ok(existsSync(s.lockFile!), 'the lock file is gone');
  const reused = await call(workload.port, '/', { agent, method: 'POST', body: 'x'.repeat(100) });
  assert.is(reused.status, 200, 'the pooled connection is still answered');
  assert.is(reused.headers['connection'], 'close', 'and told not to be reused');
  assert.is((await inflight).status, 200, 'the in-flight request is answered');
  await drained;
  await call(workload.port, '/').then(
    () => assert.unreachable('the listener is closed after the drain'),
    (e: NodeJS.ErrnoException) => assert.is(e.code, 'ECONNREFUSED'),
  );
  agent.destroy();
});

Drain('should lose no POST from keep-alive callers while draining under load', async () => {
  const workload = await startWorkload(slow, settings({ healthcheckIntervalMs: 1000 }));
  workload.ready();
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const statuses: number[] = [];
  const errors: string[] = [];
  let draining = false;
  // Each caller goes on until an answer during the drain tells it to close (as the provider, which has by then
  // also dropped the replica from its list); never by a timer, so a slow machine cannot make it dial too late.
  const client = async () => {
    for (let told = false; !told; ) {
      await call(workload.port, '/?ms=2', { agent, method: 'POST', body: '{"a":1}' }).then(
        (a) => {
          statuses.push(a.status);
          told = draining && a.headers['connection'] === 'close';
        },
        (e: Error) => {
          errors.push(e.message);
          told = true;
        },
      );
    }
  };
  const clients = Array.from({ length: 8 }, client);
  await sleep(100);
  draining = true;
  const drained = workload.drain();
  await Promise.all(clients);
  await drained;
  assert.equal(errors, [], 'no request failed');
  assert.ok(statuses.length > 8, `${statuses.length} requests`);
  assert.ok(statuses.every((s) => s === 200));
  agent.destroy();
});

Drain.after(() => rmSync(dir, { recursive: true, force: true }));
Drain.run();
