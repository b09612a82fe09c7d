// Starter handler for `faas-cli new --lang hono-node`: a dependency-free OpenFaaS workload. Replace `handle`
// with your function, or replace the file with an esbuild bundle that serves the same contract (the
// dashboard's functions use lib/openfaas/workload.ts):
// - HTTP on 0.0.0.0:$PORT (8080); /_/health and /_/ready answer 200 once ready, 503 while draining;
// - /tmp/.lock exists only while the process can answer (the image's HEALTHCHECK tests it);
// - more than $max_inflight requests at once: 429 with Retry-After; slower than $exec_timeout: 504;
// - SIGTERM: not ready at once, every answer closes its connection, the listener stays open for
//   $healthcheck_interval, then in-flight requests get $write_timeout; idle keep-alive connections are left
//   to the caller (closing one while the caller sends on it would lose a POST).
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const seconds = (v, fallback) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v ?? '');
  return m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000) : fallback;
};
const port = Number(process.env.PORT ?? 8080);
const lockFile = process.env.LOCK_FILE ?? '/tmp/.lock';
const execTimeout = seconds(process.env.exec_timeout, 10_000);
const drainDelay = seconds(process.env.healthcheck_interval, 2_000);
const writeTimeout = seconds(process.env.write_timeout, 15_000);
const maxInflight = Number(process.env.max_inflight ?? 0);

/** The function: answers JSON describing the call. */
async function handle(req, body) {
  return { status: 200, body: { ok: true, method: req.method, path: req.url, bytes: body.length, pid: process.pid } };
}

const send = (res, status, body, headers = {}) => {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
};

let ready = false;
let draining = false;
let inflight = 0;
const server = createServer((req, res) => {
  if (draining) res.setHeader('connection', 'close');
  const path = req.url.split('?')[0];
  if (path === '/_/health' || path === '/_/ready') {
    const ok = ready && !draining;
    return send(res, ok ? 200 : 503, { ready: ok });
  }
  if (maxInflight > 0 && inflight >= maxInflight) {
    return send(res, 429, { error: { code: 'rate_limited', message: 'Too many requests at once' } }, { 'retry-after': '1' });
  }
  inflight++;
  res.once('close', () => inflight--);
  const timer = execTimeout > 0 ? setTimeout(() => send(res, 504, { error: { code: 'timeout', message: `No answer within ${execTimeout / 1000} s` } }), execTimeout) : undefined;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, Buffer.concat(chunks)).then(
      (answer) => send(res, answer.status, answer.body),
      (e) => send(res, 500, { error: { code: 'internal_error', message: String(e?.message ?? e) } }),
    ).finally(() => clearTimeout(timer));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '0.0.0.0', () => {
  ready = true;
  writeFileSync(lockFile, `${process.pid}\n`);
  console.log(JSON.stringify({ msg: 'listening', port }));
});
process.once('SIGTERM', async () => {
  draining = true;
  rmSync(lockFile, { force: true });
  await new Promise((r) => setTimeout(r, drainDelay));
  server.close(() => process.exit(0));
  const deadline = Date.now() + writeTimeout;
  while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  server.closeAllConnections();
});
