// Starter handler for `faas-cli new --lang hono-node`. A real function replaces this file with its esbuild
// bundle (a Hono app served by @hono/node-server on 127.0.0.1:3000). This one needs no dependencies.
import { createServer } from 'node:http';

const port = Number(process.env.http_port ?? 3000);
const server = createServer((req, res) => {
  const body = JSON.stringify({ ok: true, method: req.method, path: req.url, pid: process.pid });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
