/**
 * DNS rebinding (issue 10, item 11), against local mode as a process: a page on another origin whose name now
 * resolves to 127.0.0.1 reaches the server with its own name in `Host`. Neither an API call nor the relay's
 * WebSocket upgrade may answer it; the configured names (here the defaults, 127.0.0.1 and localhost) are served.
 */
import { request } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalServer, type LocalServer } from '../testing/local-server.ts';

const test = suite<{ server: LocalServer }>('local mode: host names (DNS rebinding)', {} as never);
test.before(async (ctx) => {
  ctx.server = await startLocalServer();
});
test.after(async ({ server }) => {
  await server.stop();
});

/** One request with a Host header of our choice; 'upgraded' when the server switched protocols. */
const send = (port: number, host: string, path: string, upgrade: boolean) =>
  new Promise<{ status: number | 'upgraded'; body: string }>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        host,
        ...(upgrade ? { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } : {}),
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 'upgraded', body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer')));
    req.end();
  });

test('should refuse an API call and a WebSocket upgrade for a host name it does not serve', async ({ server }) => {
  for (const host of ['attacker.example', `attacker.example:${server.port}`, '127.0.0.1.attacker.example']) {
    const api = await send(server.port, host, '/function/whoami', false);
    assert.is(api.status, 421, `API, Host ${host}`);
    assert.is(JSON.parse(api.body).error.code, 'misdirected_request');
    const ws = await send(server.port, host, '/events', true);
    assert.is(ws.status, 421, `upgrade, Host ${host}`);
  }
});

test('should serve its own names', async ({ server }) => {
  for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
    assert.is((await send(server.port, host, '/function/whoami', false)).status, 401, `API, Host ${host}`);
    // Upgraded, then closed with 4401 for want of a session (a browser can read a close code, not a refused handshake).
    assert.is((await send(server.port, host, '/events', true)).status, 'upgraded', `upgrade, Host ${host}`);
  }
});

test.run();
