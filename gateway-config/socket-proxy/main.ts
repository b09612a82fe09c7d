/**
 * The restricted Docker API proxy: listens on TCP (LISTEN=0.0.0.0:2375, inside an encrypted overlay, never
 * published) or on a unix socket (LISTEN=/run/docker-api/docker.sock, shared with a process on the same node,
 * mode SOCKET_MODE, octal, default 660) and forwards only what rules.ts allows (PROFILE=functions|events) to
 * the engine's socket (DOCKER_SOCKET=/var/run/docker.sock). Anything else gets 403 and a JSON log line.
 * Upgrades (attach, exec) are refused. Bundled with esbuild into docker-socket-proxy (scripts/openfaas/test-env.sh).
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { isAllowed, isProfile } from './rules.ts';

const profile = process.env['PROFILE'] ?? 'functions';
if (!isProfile(profile)) throw new Error(`PROFILE must be functions or events, got ${profile}`);
const socketPath = process.env['DOCKER_SOCKET'] ?? '/var/run/docker.sock';
const listen = process.env['LISTEN'] ?? '0.0.0.0:2375';
// A unix socket's mode: 0660 by default; 0666 when the only other container that mounts its volume runs as
// another user (the producer in stack.yml).
const socketMode = parseInt(process.env['SOCKET_MODE'] ?? '660', 8);
const log = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra }));

const server = createServer((req, res) => {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  if (!isAllowed(profile, method, url) || req.headers.upgrade) {
    log('warn', 'denied', { method, url, from: req.socket.remoteAddress });
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `docker-socket-proxy (${profile}): ${method} ${url.split('?')[0]} is not allowed` }));
    req.resume();
    return;
  }
  const headers = { ...req.headers };
  delete headers['connection'];
  const upstream = request({ socketPath, method, path: url, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (e) => {
    log('error', 'engine unreachable', { error: e.message });
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'docker-socket-proxy: the Docker engine is unreachable' }));
  });
  // A client that goes away (e.g. a closed log follow or event stream) ends the engine request too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
});

if (listen.startsWith('/')) {
  rmSync(listen, { force: true });
  server.listen(listen, () => {
    chmodSync(listen, socketMode);
    log('info', 'listening', { socket: listen, profile });
  });
} else {
  const at = listen.lastIndexOf(':');
  server.listen(Number(listen.slice(at + 1)), listen.slice(0, at), () => log('info', 'listening', { listen, profile }));
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
