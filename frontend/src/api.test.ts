import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError, createApi } from './api.ts';

interface Seen {
  method: string;
  url: string;
  body: string;
  contentType: string | undefined;
}

/** A real HTTP server answering from a script of [status, body] per request. */
const serve = async (script: [number, unknown, Record<string, string>?][]) => {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, contentType: req.headers['content-type'] });
      const [status, payload, headers] = script[Math.min(seen.length - 1, script.length - 1)]!;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(status === 204 ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
};

const noSleep = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

const retry = suite('api client: retries');

retry('should retry 503 with growing backoff, then return the answer', async () => {
  const s = await serve([[503, { error: { code: 'swarm_unavailable', message: 'down' } }], [502, '<html>bad gateway</html>'], [200, { services: [] }]]);
  const { waits, sleep } = noSleep();
  const api = createApi({ baseUrl: s.url, sleep, random: () => 0.5 });
  const answer = await api.listServices();
  assert.equal(answer, { services: [] });
  assert.is(s.seen.length, 3);
  assert.equal(waits, [300, 600]);
  assert.is(s.seen[0]!.method, 'POST');
  assert.is(s.seen[0]!.url, '/function/list-services');
  assert.is(s.seen[0]!.contentType, 'application/json');
  await s.close();
});

retry('should give up after the retries and report the contract message once', async () => {
  const s = await serve([[503, { error: { code: 'store_unavailable', message: 'The user store does not answer' } }]]);
  const errors: ApiError[] = [];
  const api = createApi({ baseUrl: s.url, retries: 2, sleep: noSleep().sleep, onError: (e) => errors.push(e) });
  const e = await api.listUsers().catch((x) => x);
  assert.instance(e, ApiError);
  assert.is(e.code, 'store_unavailable');
  assert.is(s.seen.length, 3);
  assert.equal(errors.map((x) => x.message), ['The user store does not answer']);
  await s.close();
});

retry('should not retry 4xx, and decode code, message and details', async () => {
  const details = [{ rule: 'bind_mount', path: 'TaskTemplate.ContainerSpec.Mounts[0]', message: 'bind mounts need services.privileged' }];
  const s = await serve([[403, { error: { code: 'policy_denied', message: 'The service spec breaks the security policy', details } }]]);
  const errors: ApiError[] = [];
  const api = createApi({ baseUrl: s.url, sleep: noSleep().sleep, onError: (e) => errors.push(e) });
  const e = await api.createService({ name: 'x', image: 'y' }).catch((x) => x);
  assert.is(e.status, 403);
  assert.is(e.code, 'policy_denied');
  assert.equal(e.details, details);
  assert.is(s.seen.length, 1);
  assert.equal(JSON.parse(s.seen[0]!.body), { name: 'x', image: 'y' });
  assert.is(errors.length, 1);
  await s.close();
});

retry('should retry network errors (connection refused)', async () => {
  const s = await serve([[200, {}]]);
  const url = s.url;
  await s.close();
  const { waits, sleep } = noSleep();
  const api = createApi({ baseUrl: url, retries: 2, sleep });
  const e = await api.whoami({ quiet: true }).catch((x) => x);
  assert.is(e.code, 'network_error');
  assert.is(waits.length, 2);
});

retry('should carry Retry-After on 429 without retrying', async () => {
  const s = await serve([[429, { error: { code: 'rate_limited', message: 'Too many attempts' } }, { 'Retry-After': '30' }]]);
  const api = createApi({ baseUrl: s.url, sleep: noSleep().sleep });
  const e = await api.login('a', 'b', { quiet: true }).catch((x) => x);
  assert.is(e.code, 'rate_limited');
  assert.is(e.retryAfter, 30);
  assert.is(s.seen.length, 1);
  await s.close();
});

retry('should never retry a call that changes state, on 502, 503, 504 or a network error', async () => {
  const writes: Array<[string, (api: ReturnType<typeof createApi>) => Promise<unknown>]> = [
    ['restart-service', (api) => api.restartService('s1', { quiet: true })],
    ['rollback-service', (api) => api.rollbackService('s1', { quiet: true })],
    ['scale-service', (api) => api.scaleService('s1', 3, { quiet: true })],
    ['create-service', (api) => api.createService({ name: 'x', image: 'y' }, { quiet: true })],
    ['update-service', (api) => api.updateService('s1', 4, { image: 'y' }, { quiet: true })],
    ['delete-service', (api) => api.deleteService('s1', { quiet: true })],
    ['update-node', (api) => api.updateNode('n1', 2, { availability: 'drain' }, { quiet: true })],
    ['login', (api) => api.login('a', 'b', { quiet: true })],
    ['logout', (api) => api.logout({ quiet: true })],
    ['create-user', (api) => api.createUser({ username: 'u', password: 'p' }, { quiet: true })],
    ['grant-permission', (api) => api.grantPermission('u', 'services.read', { quiet: true })],
  ];
  for (const status of [502, 503, 504]) {
    for (const [name, run] of writes) {
      const s = await serve([[status, { error: { code: 'swarm_unavailable', message: 'down' } }], [200, { id: 's1', version: 5 }]]);
      const { waits, sleep } = noSleep();
      const e = (await run(createApi({ baseUrl: s.url, sleep })).catch((x: unknown) => x)) as ApiError;
      assert.instance(e, ApiError, `${name} on ${status}`);
      assert.is(e.status, status);
      assert.is(s.seen.length, 1, `${name} sent once on ${status}`);
      assert.is(s.seen[0]!.url, `/function/${name}`);
      assert.equal(waits, []);
      await s.close();
    }
  }
  const gone = await serve([[200, {}]]);
  await gone.close();
  const { waits, sleep } = noSleep();
  const e = await createApi({ baseUrl: gone.url, sleep }).restartService('s1', { quiet: true }).catch((x) => x);
  assert.is(e.code, 'network_error');
  assert.equal(waits, []);
});

retry('should retry every read-only call on 503', async () => {
  const reads: Array<[string, (api: ReturnType<typeof createApi>) => Promise<unknown>]> = [
    ['whoami', (api) => api.whoami()],
    ['list-users', (api) => api.listUsers()],
    ['list-services', (api) => api.listServices()],
    ['inspect-service', (api) => api.inspectService('s1')],
    ['service-logs', (api) => api.serviceLogs('s1')],
    ['list-nodes', (api) => api.listNodes()],
    ['list-events', (api) => api.listEvents({})],
  ];
  for (const [name, run] of reads) {
    const s = await serve([[503, { error: { code: 'swarm_unavailable', message: 'down' } }], [200, { ok: true }]]);
    const answer = await run(createApi({ baseUrl: s.url, sleep: noSleep().sleep }));
    assert.equal(answer, { ok: true }, name);
    assert.is(s.seen.length, 2, name);
    await s.close();
  }
});
retry.run();

const session = suite('api client: session');

session('should hand 401 unauthenticated to onUnauthenticated without a toast', async () => {
  const s = await serve([[401, { error: { code: 'unauthenticated', message: 'Log in' } }]]);
  let gone = 0;
  const errors: ApiError[] = [];
  const api = createApi({ baseUrl: s.url, onUnauthenticated: () => gone++, onError: (e) => errors.push(e) });
  await api.listNodes().catch(() => {});
  assert.is(gone, 1);
  assert.is(errors.length, 0);
  await s.close();
});

session('should not treat a wrong password as a lost session', async () => {
  const s = await serve([[401, { error: { code: 'invalid_credentials', message: 'Wrong username or password' } }]]);
  let gone = 0;
  const api = createApi({ baseUrl: s.url, onUnauthenticated: () => gone++ });
  const e = await api.login('a', 'b', { quiet: true }).catch((x) => x);
  assert.is(e.code, 'invalid_credentials');
  assert.is(gone, 0);
  await s.close();
});

session('should send same-origin credentials and never an Authorization header', async () => {
  const calls: RequestInit[] = [];
  const api = createApi({
    fetch: async (_url, init) => {
      calls.push(init!);
      return new Response(null, { status: 204 });
    },
  });
  assert.is(await api.logout(), undefined);
  assert.is(calls[0]!.credentials, 'same-origin');
  assert.not.ok('Authorization' in (calls[0]!.headers as Record<string, string>));
});

session('should refuse a bad retries option at construction', () => {
  assert.throws(() => createApi({ retries: -1 }), /retries/);
});
session.run();

const logs = suite('api client: followed logs');

logs('should hand on NDJSON lines as they arrive, split across chunks, and reject on an error line', async () => {
  let accept: string | undefined;
  let body = '';
  const server: Server = createServer((req, res) => {
    accept = req.headers.accept;
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      const a = JSON.stringify({ time: 't1', taskId: 'x', nodeId: 'n', stream: 'stdout', text: 'first' });
      res.write(`${a}\n${a.slice(0, 10)}`);
      setTimeout(() => res.end(`${a.slice(10).replace('first', 'second')}\n{"error":{"code":"swarm_unavailable","message":"gone"}}\n`), 100);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const api = createApi({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  const got: Array<[string, number]> = [];
  const started = Date.now();
  const error = await api.followServiceLogs('s1', { tail: 5 }, (l) => got.push([l.text, Date.now() - started]), new AbortController().signal).catch((e: unknown) => e);
  server.close();
  assert.equal(JSON.parse(body), { id: 's1', tail: 5, follow: true });
  assert.is(accept, 'application/x-ndjson');
  assert.equal(got.map(([t]) => t), ['first', 'second']);
  assert.ok(got[0]![1] < 90, 'the first line waited for the answer to end');
  assert.ok(error instanceof ApiError && error.code === 'swarm_unavailable' && error.message === 'gone');
});

logs('should ask for text/plain and answer a Blob for the download', async () => {
  const s = await serve([[200, 'a stdout t1 hello\n', { 'Content-Type': 'text/plain; charset=utf-8' }]]);
  const blob = await createApi({ baseUrl: s.url }).downloadServiceLogs('s1', { tail: 10 });
  await s.close();
  assert.is(await blob.text(), 'a stdout t1 hello\n');
  assert.equal(JSON.parse(s.seen[0]!.body), { id: 's1', tail: 10 });
});

logs.run();
