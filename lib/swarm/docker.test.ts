/**
 * The Docker adapter's error mapping, log parsing and its behaviour against a hostile engine: a local HTTP server
 * on a Unix socket in the temp directory that answers what a broken or malicious engine could answer.
 */
import { admitted, admittedService, codeOf } from '../../testing/swarm.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, isAppError } from '../errors.ts';
import { toSwarmError } from './docker-errors.ts';
import { createDockerSwarm, parseServiceLogs } from './docker.ts';

const Errors = suite('toSwarmError');

const httpError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: null });

const cases: Array<[string, unknown, string]> = [
  ['a 404', httpError(404, 'service x not found'), 'not_found'],
  ['a 409 name conflict', httpError(409, 'rpc error: code = AlreadyExists desc = name conflicts with an existing object'), 'service_exists'],
  ['update out of sequence as HTTP 500', httpError(500, 'rpc error: code = Unknown desc = update out of sequence'), 'version_conflict'],
  ['update out of sequence as HTTP 409', httpError(409, 'update out of sequence'), 'version_conflict'],
  ['no previous spec', httpError(400, 'rpc error: code = FailedPrecondition desc = service x does not have a previous spec'), 'no_previous_spec'],
  ['a 400', httpError(400, 'rpc error: code = InvalidArgument desc = name must be valid as a DNS name component'), 'validation_failed'],
  ['a 500', httpError(500, 'rpc error: code = Unknown desc = raft lost'), 'swarm_unavailable'],
  ['a 503 (not a manager)', httpError(503, 'This node is not a swarm manager.'), 'swarm_unavailable'],
  ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'swarm_unavailable'],
  ['ENOENT', Object.assign(new Error('connect ENOENT /x.sock'), { code: 'ENOENT' }), 'swarm_unavailable'],
  ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'swarm_unavailable'],
  ['a timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'swarm_unavailable'],
  ['an abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'swarm_unavailable'],
  ['null', null, 'swarm_unavailable'],
  ['a string', 'boom', 'swarm_unavailable'],
];

for (const [what, error, code] of cases) {
  Errors(`should map ${what} to ${code}`, () => {
    const mapped = toSwarmError(error, 1000);
    assert.ok(mapped instanceof AppError);
    assert.is(mapped.code, code);
    assert.not.match(mapped.message, /\n\s+at /);
  });
}

Errors("should keep the engine's message without docker-modem's prefix", () => {
  const mapped = toSwarmError(httpError(400, 'rpc error: code = InvalidArgument desc = bad mount'));
  assert.is(mapped.message, 'bad mount');
  assert.is(toSwarmError(httpError(404, 'service x not found')).message, 'service x not found');
});

Errors('should pass an AppError through', () => {
  const original = new AppError('not_found', 'x');
  assert.is(toSwarmError(original), original);
});

Errors.run();

const Logs = suite('parseServiceLogs');

const frame = (stream: number, payload: string): Buffer => {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};
const attrs = 'com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1';

Logs('should demultiplex stdout and stderr and read time, task and node', () => {
  const buffer = Buffer.concat([
    frame(1, `2026-11-27T21:00:01.5Z ${attrs} hello world\n`),
    frame(2, `2026-11-27T21:00:02Z ${attrs} oops  \n`),
  ]);
  assert.equal(parseServiceLogs(buffer, false), [
    { time: '2026-11-27T21:00:01.5Z', taskId: 't1', nodeId: 'n1', stream: 'stdout', text: 'hello world' },
    { time: '2026-11-27T21:00:02Z', taskId: 't1', nodeId: 'n1', stream: 'stderr', text: 'oops  ' },
  ]);
});

Logs('should decode escaped detail values and keep empty lines', () => {
  const [line] = parseServiceLogs(frame(1, '2026-11-27T21:00:01Z com.docker.swarm.task.id=a%2Cb+c \n'), false);
  assert.is(line?.taskId, 'a,b c');
  assert.is(line?.text, '');
});

Logs('should drop a truncated frame and stop at a nonsense header', () => {
  const whole = frame(1, `2026-11-27T21:00:01Z ${attrs} one\n`);
  const cut = frame(1, `2026-11-27T21:00:02Z ${attrs} two\n`).subarray(0, 20);
  assert.is(parseServiceLogs(Buffer.concat([whole, cut]), false).length, 1);
  const junk = Buffer.concat([whole, Buffer.from('HTTP/1.1 garbage that is not a header'), whole]);
  assert.is(parseServiceLogs(junk, false).length, 1);
  assert.equal(parseServiceLogs(Buffer.alloc(0), false), []);
  assert.equal(parseServiceLogs(Buffer.from([1, 0, 0]), false), []);
});

Logs('should read a TTY service as raw stdout lines', () => {
  const raw = Buffer.from(`2026-11-27T21:00:01Z ${attrs} a\n2026-11-27T21:00:02Z ${attrs} b\n`);
  const lines = parseServiceLogs(raw, true);
  assert.equal(lines.map((l) => [l.stream, l.text]), [['stdout', 'a'], ['stdout', 'b']]);
});

Logs.run();

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const Hostile = suite('DockerSwarm against a hostile engine');
const dir = mkdtempSync(join(tmpdir(), 'hostile-engine-'));
const socketPath = join(dir, 'engine.sock');
const routes = new Map<string, Route>();
const seen: string[] = [];
const send = (status: number, body: unknown): Route => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

// NOTE: started at top level, not in `before`: uvu 0.5 swallows errors thrown by `before` hooks.
const server: Server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  const route = routes.get(`${req.method} ${(req.url ?? '').split('?')[0]}`);
  if (route) route(req, res);
  else send(404, { message: 'no route' })(req, res);
});
await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));

Hostile.after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

Hostile.before.each(() => {
  routes.clear();
  seen.length = 0;
});

// A generous timeout: the machine running the tests may be busy; only the timeout test uses a short one.
const swarm = (timeoutMs = 5000) => createDockerSwarm({ socketPath, timeoutMs, maxResponseBytes: 64 * 1024 });

Hostile('should list services with one request and survive missing and mistyped fields', async () => {
  routes.set('GET /services', send(200, [
    null,
    7,
    {},
    { ID: 's1', Spec: { Name: 'a', Mode: { Global: {} }, Labels: { ok: 'x', bad: 3 } }, ServiceStatus: { RunningTasks: 'two', DesiredTasks: 2 } },
    { ID: 's2', Spec: 'nope', Endpoint: { Ports: [null, { TargetPort: 80, PublishedPort: 0, Protocol: 'icmp' }] }, Version: { Index: -1 }, UpdateStatus: { State: 'updating' } },
  ]));
  const services = await swarm().listServices();
  assert.equal(seen, ['GET /services?status=true']);
  assert.is(services.length, 3);
  const a = services.find((s) => s.id === 's1');
  assert.equal(a?.replicas, { desired: 2, running: 0 });
  assert.is(a?.mode, 'global');
  assert.equal(a?.labels, { ok: 'x' });
  const b = services.find((s) => s.id === 's2');
  assert.equal(b?.ports, [{ published: null, target: 80, protocol: 'tcp', mode: 'ingress' }]);
  assert.is(b?.version, 0);
  assert.equal(b?.updateStatus, { state: 'updating', message: '' });
});

Hostile('should answer swarm_unavailable for an answer that is not JSON or not a list', async () => {
  routes.set('GET /services', send(200, '<html>proxy error</html>'));
  assert.is(await codeOf(swarm().listServices()), 'swarm_unavailable');
  routes.set('GET /nodes', send(200, { not: 'a list' }));
  assert.equal(await swarm().listNodes(), []);
  routes.set('GET /services/x', send(200, { no: 'id' }));
  assert.is(await codeOf(swarm().inspectService('x')), 'swarm_unavailable');
  routes.set('POST /services/create', send(201, 'null'));
  assert.is(await codeOf(swarm().createService(await admitted({ Name: 'x' }))), 'swarm_unavailable');
});

Hostile('should give up after the timeout when the engine never answers', async () => {
  routes.set('GET /services', () => {});
  const started = Date.now();
  const error = await swarm(300).listServices().catch((e: unknown) => e);
  assert.ok(isAppError(error));
  assert.is(error.code, 'swarm_unavailable');
  assert.match(error.message, /within 300 ms/);
  assert.ok(Date.now() - started < 3000);
});

Hostile('should answer swarm_unavailable when the engine stops mid-answer or answers too much', async () => {
  routes.set('GET /nodes', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
    res.write('[{"ID":');
    setTimeout(() => res.destroy(), 20);
  });
  assert.is(await codeOf(swarm().listNodes()), 'swarm_unavailable');
  routes.set('GET /services', send(200, `[${'"x",'.repeat(20_000)}"x"]`));
  assert.is(await codeOf(swarm().listServices()), 'swarm_unavailable');
});

Hostile('should cut oversized logs instead of failing', async () => {
  routes.set('GET /services/s1', send(200, { ID: 's1', Spec: { Name: 'a' } }));
  routes.set('GET /services/s1/logs', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
    const one = frame(1, `2026-11-27T21:00:01Z ${attrs} ${'x'.repeat(1000)}\n`);
    res.end(Buffer.concat(Array(100).fill(one)));
  });
  const lines = await swarm().serviceLogs('s1', { tail: 5, since: 1_700_000_000_000_000_005n });
  // This engine ignores tail and goes past the answer bound: the adapter stops reading and keeps 5 per task.
  assert.is(lines.length, 5);
  assert.ok(seen.includes('GET /services/s1/logs?stdout=true&stderr=true&timestamps=true&details=true&tail=5&since=1700000000.000000005'), seen.join());
});

Hostile('should order log lines and tasks by time although the engine trims trailing zeros', async () => {
  routes.set('GET /services/s1', send(200, { ID: 's1', Spec: { Name: 'a' } }));
  routes.set('GET /services/s1/logs', (_req, res) => {
    res.writeHead(200);
    res.end(Buffer.concat(['01.5Z c', '01Z a', '01.05Z b', '00.999999999Z z'].map((t) => frame(1, `2026-11-27T21:00:${t.split(' ')[0]} ${attrs} ${t.split(' ')[1]}\n`))));
  });
  assert.equal((await swarm().serviceLogs('s1', {})).map((l) => l.text), ['z', 'a', 'b', 'c']);
  routes.set('GET /tasks', send(200, [
    { ID: 'old', CreatedAt: '2026-11-27T21:00:01Z' },
    { ID: 'new', CreatedAt: '2026-11-27T21:00:01.5Z' },
    { ID: 'mid', CreatedAt: '2026-11-27T21:00:01.05Z' },
  ]));
  assert.equal((await swarm().listTasks()).map((t) => t.id), ['new', 'mid', 'old']);
});

Hostile('should send the spec as the body and only version and rollback as the query', async () => {
  let body = '';
  routes.set('POST /services/s1/update', (req, res) => {
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => send(200, { Warnings: null })(req, res));
  });
  routes.set('GET /services/s1', send(200, { ID: 's1', Version: { Index: 12 } }));
  const result = await swarm().rollbackService('s1', 11, await admitted({ Name: 'a', Labels: { k: 'v' } }));
  assert.equal(result, { id: 's1', version: 12 });
  assert.is(seen[0], 'POST /services/s1/update?version=11&rollback=previous');
  assert.equal(JSON.parse(body), { Name: 'a', Labels: { k: 'v' } });
});

Hostile('should refuse refs and versions that could leave the path before any request', async () => {
  for (const ref of ['../nodes', 'a/b', '', 'a?b', ' a', 'x'.repeat(300)]) {
    assert.is(await codeOf(swarm().inspectService(ref)), 'validation_failed', ref);
    assert.is(await codeOf(swarm().removeService(await admittedService(ref))), 'validation_failed', ref);
  }
  assert.is(await codeOf(swarm().updateService('s1', -1, await admitted({}))), 'validation_failed');
  assert.is(await codeOf(swarm().updateService('s1', 1.5, await admitted({}))), 'validation_failed');
  assert.is(await codeOf(swarm().updateNode('n1', Number.NaN, {})), 'validation_failed');
  assert.equal(seen, []);
});

Hostile('should map the engine errors of a node update', async () => {
  routes.set('GET /nodes/n1', send(200, { ID: 'n1', Spec: { Role: 'manager', Availability: 'active', Labels: {} }, Version: { Index: 5 } }));
  routes.set('POST /nodes/n1/update', send(500, { message: 'rpc error: code = Unknown desc = update out of sequence' }));
  assert.is(await codeOf(swarm().updateNode('n1', 4, { availability: 'drain' })), 'version_conflict');
  routes.set('POST /nodes/n1/update', send(400, { message: 'rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm' }));
  const error = await swarm().updateNode('n1', 5, { role: 'worker' }).catch((e: unknown) => e);
  assert.ok(isAppError(error));
  assert.is(error.code, 'validation_failed');
  assert.is(error.message, 'attempting to demote the last manager of the swarm');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const line = (text: string, time = '2026-11-27T21:00:01Z') => frame(1, `${time} ${attrs} ${text}\n`);

Hostile('should follow logs as the engine sends them, cut long lines and leave out lines after until', async () => {
  routes.set('GET /services/s1', send(200, { ID: 's1', Spec: { Name: 'a' } }));
  routes.set('GET /services/s1/logs', (_req, res) => {
    res.writeHead(200);
    res.write(line('first'));
    setTimeout(() => res.write(Buffer.concat([line('x'.repeat(3000)), line('late', '2026-11-27T21:00:09Z')])), 300);
    setTimeout(() => res.end(line('last', '2026-11-27T21:00:02Z')), 400);
  });
  const follower = createDockerSwarm({ socketPath, timeoutMs: 5000, logLimits: { maxLineBytes: 1000 } });
  const stream = await follower.followServiceLogs('s1', { tail: 3, until: 1_795_813_205_000_000_000n }, new AbortController().signal);
  const started = Date.now();
  const got: Array<[string, number]> = [];
  for await (const l of stream) got.push([l.text.slice(0, 5), Date.now() - started]);
  assert.equal(got.map(([t]) => t), ['first', 'xxxxx', 'last']);
  // The first line is handed on at once, not when the answer ends.
  assert.ok(got[0]![1] < 250, `first line after ${got[0]![1]} ms`);
  assert.ok(seen.includes('GET /services/s1/logs?stdout=true&stderr=true&timestamps=true&details=true&follow=true&tail=3'), seen.join());
});

Hostile('should stop reading a fast engine while the reader waits, and end the engine request on abort', async () => {
  let written = 0;
  let engineClosed = false;
  routes.set('GET /services/s1', send(200, { ID: 's1', Spec: { Name: 'a' } }));
  routes.set('GET /services/s1/logs', (_req, res) => {
    res.writeHead(200);
    res.on('close', () => (engineClosed = true));
    const one = line('y'.repeat(1000));
    const pump = () => {
      while (!res.destroyed) {
        written += one.length;
        if (!res.write(one)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  const abort = new AbortController();
  const iterator = (await swarm().followServiceLogs('s1', {}, abort.signal))[Symbol.asyncIterator]();
  for (let i = 0; i < 5; i++) assert.is((await iterator.next()).done, false);
  await sleep(700);
  const stalled = written;
  await sleep(300);
  // Backpressure: the engine's writes block at what the sockets and the follow's own window hold.
  assert.ok(stalled < 8 * 1024 * 1024, `the engine wrote ${stalled} bytes to a reader that took 5 lines`);
  assert.is(written, stalled, 'the engine kept writing while the reader waited');
  for (let i = 0; i < 20_000; i++) assert.is((await iterator.next()).done, false);
  assert.ok(written > 20_000 * 1000, 'reading resumed');
  abort.abort();
  assert.is((await iterator.next()).done, true);
  for (let i = 0; i < 50 && !engineClosed; i++) await sleep(20);
  assert.ok(engineClosed, 'the engine request was not ended');
});

Hostile('should wait for headers only within the deadline, then follow a quiet stream without one', async () => {
  routes.set('GET /services/s1', send(200, { ID: 's1', Spec: { Name: 'a' } }));
  routes.set('GET /services/s1/logs', () => {});
  assert.is(await codeOf(swarm(300).followServiceLogs('s1', {}, new AbortController().signal)), 'swarm_unavailable');
  routes.set('GET /services/s1/logs', (_req, res) => {
    res.writeHead(200);
    res.flushHeaders();
    setTimeout(() => res.end(line('after a quiet while')), 900);
  });
  const texts: string[] = [];
  for await (const l of await swarm(300).followServiceLogs('s1', {}, new AbortController().signal)) texts.push(l.text);
  assert.equal(texts, ['after a quiet while']);
  routes.delete('GET /services/s1');
  assert.is(await codeOf(swarm().followServiceLogs('s1', {}, new AbortController().signal)), 'not_found');
});

Hostile('should fail a follow whose stream breaks or cannot be read, after the lines read', async () => {
  routes.set('GET /services/s1', send(200, { ID: 's1', Spec: { Name: 'a' } }));
  routes.set('GET /services/s1/logs', (_req, res) => {
    res.writeHead(200);
    res.end(Buffer.concat([line('ok'), Buffer.from('garbage!garbage!')]));
  });
  const iterator = (await swarm().followServiceLogs('s1', {}, new AbortController().signal))[Symbol.asyncIterator]();
  assert.is((await iterator.next()).value?.text, 'ok');
  assert.is(await codeOf(iterator.next()), 'swarm_unavailable');
});

Hostile.run();

const Construct = suite('createDockerSwarm');

Construct('should refuse unsupported hosts and bad timeouts at construction', () => {
  assert.throws(() => createDockerSwarm({ host: 'ssh://user@host' }), /unsupported Docker host/);
  assert.throws(() => createDockerSwarm({ host: 'tcp://127.0.0.1:2375', socketPath: '/x' }), /either host or socketPath/);
  assert.throws(() => createDockerSwarm({ timeoutMs: 0 }), /timeoutMs/);
  createDockerSwarm({ host: 'unix:///var/run/docker.sock' });
  createDockerSwarm({ host: 'tcp://127.0.0.1:2375' });
});

Construct.run();
