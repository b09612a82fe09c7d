/**
 * The restricted Docker API proxy: listens on TCP (LISTEN=0.0.0.0:2375, inside an overlay, never published) or on
 * a unix socket (LISTEN=/run/docker-api/docker.sock, shared with a process on the same node, mode SOCKET_MODE,
 * octal, default 660) and forwards only what rules.ts allows (PROFILE=functions|events) to the engine's socket
 * (DOCKER_SOCKET=/var/run/docker.sock). Anything else gets 403 and a JSON log line. Upgrades (attach, exec) are
 * refused.
 *
 * On TCP every caller must authenticate: `Authorization: Bearer <token>` with the token in TOKEN_FILE (a Docker
 * secret shared with the functions only), compared in constant time; without it the proxy refuses to start. A
 * container that merely reaches the network therefore gets 401, whatever it sends. Writes are read (up to 4 MiB)
 * and checked (rules.ts `checkBody`) before they reach the engine.
 *
 * It never serves as root: the image's entrypoint (drop-root.sh) starts it as nobody (65534) with only the engine
 * socket's group and no capabilities, so a flaw in the proxy does not run as root in the container.
 */
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { apiPath, checkBody, isAllowed, isProfile, MAX_BODY_BYTES } from './rules.ts';

if (process.getuid?.() === 0) throw new Error('refusing to run as root: start the proxy with drop-root.sh (its image does)');
const profile = process.env['PROFILE'] ?? 'functions';
if (!isProfile(profile)) throw new Error(`PROFILE must be functions or events, got ${profile}`);
const socketPath = process.env['DOCKER_SOCKET'] ?? '/var/run/docker.sock';
const listen = process.env['LISTEN'] ?? '0.0.0.0:2375';
const onTcp = !listen.startsWith('/');
// A unix socket's mode: 0660 by default; 0666 when the only other container that mounts its volume runs as
// another user (the producer in stack.yml).
const socketMode = parseInt(process.env['SOCKET_MODE'] ?? '660', 8);
const tokenFile = process.env['TOKEN_FILE'];
const token = tokenFile ? Buffer.from(readFileSync(tokenFile, 'utf8').trim()) : undefined;
if (onTcp && (!token || token.length < 32)) throw new Error('TOKEN_FILE must name a file holding at least 32 bytes: callers on TCP authenticate');
const log = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra }));

const refuse = (res: ServerResponse, req: IncomingMessage, status: number, message: string) => {
  log('warn', 'denied', { status, method: req.method, url: req.url, from: req.socket.remoteAddress, reason: message });
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ message: `docker-socket-proxy (${profile}): ${message}` }));
  req.resume();
};

function authenticated(req: IncomingMessage): boolean {
  if (!token) return true;
  const match = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
  const given = Buffer.from(match?.[1] ?? '');
  return given.length === token.length && timingSafeEqual(given, token);
}

function forward(req: IncomingMessage, res: ServerResponse, body?: Buffer) {
  const headers = { ...req.headers };
  delete headers['connection'];
  delete headers['authorization'];
  if (body) headers['content-length'] = String(body.length);
  if (body) delete headers['transfer-encoding'];
  const upstream = request({ socketPath, method: req.method, path: req.url, headers }, (answer) => {
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
  if (body) upstream.end(body);
  else req.pipe(upstream);
}

const server = createServer((req, res) => {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  if (!authenticated(req)) return refuse(res, req, 401, 'authentication required');
  if (!isAllowed(profile, method, url) || req.headers.upgrade) return refuse(res, req, 403, `${method} ${url.split('?')[0]} is not allowed`);
  if (method !== 'POST') return forward(req, res);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    if (res.writableEnded) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return refuse(res, req, 413, 'body too large');
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.writableEnded) return;
    const body = Buffer.concat(chunks);
    let parsed: unknown;
    try {
      parsed = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      return refuse(res, req, 400, 'the body is not JSON');
    }
    const reason = checkBody(method, apiPath(url) ?? '', parsed);
    if (reason) return refuse(res, req, 403, reason);
    forward(req, res, body);
  });
});

const listening = (where: Record<string, unknown>) => {
  log('info', 'listening', { ...where, profile });
};
if (onTcp) {
  const at = listen.lastIndexOf(':');
  server.listen(Number(listen.slice(at + 1)), listen.slice(0, at), () => listening({ listen }));
} else {
  rmSync(listen, { force: true });
  server.listen(listen, () => {
    chmodSync(listen, socketMode);
    listening({ socket: listen });
  });
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
