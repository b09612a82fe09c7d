import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../lib/errors.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import type { LogLine, Swarm } from '../../lib/swarm/swarm.ts';
import { serviceLogs } from './function.ts';

type Answers = Partial<Record<keyof Swarm, (...args: any[]) => unknown>>;
type Ctx = { deps: TestDeps; answers: Answers; swarm: Swarm & { calls: Array<{ method: string; args: unknown[] }> } };
const test = suite<Ctx>('service-logs', {} as Ctx);

const lines: LogLine[] = [
  { time: '2024-01-01T00:00:00.000000001Z', taskId: 't1', nodeId: 'n1', stream: 'stdout', text: 'hello' },
  { time: '2024-01-01T00:00:01.000000000Z', taskId: 't2', nodeId: 'n2', stream: 'stderr', text: 'oops' },
];

test.before.each(async (ctx) => {
  // Tests may replace an answer: the recording swarm looks it up at each call.
  ctx.answers = { serviceLogs: () => lines };
  ctx.swarm = recordingSwarm(ctx.answers);
  ctx.deps = await createTestDeps({ swarm: ctx.swarm });
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(serviceLogs, deps).request('/', post(body, headers));

test('should answer {lines} by POST, passing since (RFC 3339) and tail on in nanoseconds', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await ask(deps, { id: 'web', since: '2023-11-14T22:13:20.000000005Z', tail: 50 }, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.json(), { lines });
  assert.equal(swarm.calls, [{ method: 'serviceLogs', args: ['web', { since: 1_700_000_000_000_000_005n, tail: 50 }] }]);
});

test('should take since and until as decimal nanoseconds or RFC 3339 with an offset', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await ask(deps, { id: 'web', since: '1700000000000000000', until: '2023-11-15T00:13:20+01:00' }, { authorization });
  assert.is(res.status, 200);
  assert.equal(swarm.calls[0]!.args, ['web', { since: 1_700_000_000_000_000_000n, until: 1_700_003_600_000_000_000n, tail: 200 }]);
});

test('should refuse since after until, and a bad time, before the engine', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  for (const body of [{ id: 'web', since: '2', until: '1' }, { id: 'web', until: 'tomorrow' }, { id: 'web', since: '2023-02-30T00:00:00Z' }, { id: 'web', since: 1700000000 }]) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

test('should default tail to 200 and leave since out when not given', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  assert.is((await ask(deps, { id: 'web' }, { authorization })).status, 200);
  assert.equal(swarm.calls[0]!.args, ['web', { tail: 200 }]);
});

test('should answer GET with the fields as query parameters', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(serviceLogs, deps).request('/?id=svc1&since=1700000000000000000&tail=5', { headers: { authorization } });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { lines });
  assert.equal(swarm.calls[0]!.args, ['svc1', { since: 1_700_000_000_000_000_000n, tail: 5 }]);
});

test('should answer not_found for an unknown service', async ({ deps, answers }) => {
  answers.serviceLogs = () => {
    throw new AppError('not_found', 'no such service');
  };
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await ask(deps, { id: 'ghost' }, { authorization });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
});

test('should answer 401 without a token, without reaching the engine', async ({ deps, swarm }) => {
  for (const [path, init] of [['/', post({ id: 'web' })], ['/?id=web', { method: 'GET' }]] as const) {
    const res = await mountFunction(serviceLogs, deps).request(path, init);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
  assert.equal(swarm.calls, []);
});

test('should need services.read and not touch the engine without it', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('ops', ['nodes.read', 'events.read']);
  const res = await ask(deps, { id: 'web' }, { authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(swarm.calls, []);
});

test('should refuse bad input with validation_failed before the engine, by POST and by GET', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  for (const body of [{}, { id: 'bad id' }, { id: 'web', tail: 0 }, { id: 'web', tail: 10_001 }, { id: 'web', tail: 1.5 }, { id: 'web', since: -1 }, { id: 'web', since: 'yesterday' }, { id: 'web', follow: 'yes' }, { id: 'web', follow: 1 }, { id: 'web', filter: '' }, { id: 'web', filter: 'x'.repeat(257) }]) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  for (const query of ['?tail=5', '?id=web&tail=abc', '?id=web&since=-5', '?id=web&since=1700000000.5', '?id=web&grep=x', '?id=web&follow=1', '?id=web&filter=']) {
    const res = await mountFunction(serviceLogs, deps).request(`/${query}`, { headers: { authorization } });
    assert.is(res.status, 400, query);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(swarm.calls, []);
});

/** A follow that sends `sent`, then waits for its signal (the client going away) unless `end` is set. */
function following(sent: LogLine[], seen: { signal?: AbortSignal }, end?: 'end' | 'fail') {
  return async (_id: string, _options: unknown, signal: AbortSignal) => {
    seen.signal = signal;
    return (async function* () {
      yield* sent;
      if (end === 'fail') throw new AppError('swarm_unavailable', 'the Docker engine closed the log stream');
      if (end === 'end') return;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    })();
  };
}

async function readLines(body: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.split('\n').length - 1 < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.split('\n').slice(0, count);
}

test('should stream NDJSON with follow, filtered, and stop the engine follow when the client goes away', async ({ deps, answers, swarm }) => {
  const seen: { signal?: AbortSignal } = {};
  const more = { ...lines[0]!, text: 'hello again', time: '2024-01-01T00:00:02Z' };
  answers.followServiceLogs = following([lines[0]!, lines[1]!, more], seen);
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const client = new AbortController();
  const res = await mountFunction(serviceLogs, deps).request('/', { ...post({ id: 'web', follow: true, filter: 'hello', tail: 10 }, { authorization }), signal: client.signal });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/x-ndjson');
  // The stream stays open after these lines: reading more would wait for the engine.
  assert.equal((await readLines(res.body!, 2)).map((l) => JSON.parse(l)), [lines[0], more]);
  assert.equal(swarm.calls[0], { method: 'followServiceLogs', args: ['web', { tail: 10 }, seen.signal] });
  assert.is(seen.signal!.aborted, false);
  client.abort();
  assert.is(seen.signal!.aborted, true);
});

test('should stop the engine follow when the reader cancels the body', async ({ deps, answers }) => {
  const seen: { signal?: AbortSignal } = {};
  answers.followServiceLogs = following(lines, seen);
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await mountFunction(serviceLogs, deps).request('/?id=web&follow=true', { headers: { authorization } });
  assert.is((await readLines(res.body!, 1)).length, 1);
  await res.body!.cancel();
  assert.is(seen.signal!.aborted, true);
});

test('should give plain text with Accept: text/plain, followed and not, as a download', async ({ deps, answers }) => {
  const seen: { signal?: AbortSignal } = {};
  answers.followServiceLogs = following(lines, seen, 'end');
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const expected = '2024-01-01T00:00:00.000000001Z stdout t1 hello\n2024-01-01T00:00:01.000000000Z stderr t2 oops\n';
  for (const follow of [false, true]) {
    const res = await ask(deps, { id: 'web', follow }, { authorization, accept: 'text/plain, */*' });
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.is(res.headers.get('content-disposition'), 'attachment; filename="web.log"');
    assert.is(await res.text(), expected);
  }
  const filtered = await ask(deps, { id: 'web', filter: 'oops' }, { authorization, accept: 'text/plain' });
  assert.is(await filtered.text(), '2024-01-01T00:00:01.000000000Z stderr t2 oops\n');
  const json = await ask(deps, { id: 'web', filter: 'oops' }, { authorization });
  assert.equal(await json.json(), { lines: [lines[1]] });
});

test('should answer not_found before streaming, and end a broken stream with an error line', async ({ deps, answers }) => {
  answers.followServiceLogs = () => {
    throw new AppError('not_found', 'no such service');
  };
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const missing = await ask(deps, { id: 'ghost', follow: true }, { authorization });
  assert.is(missing.status, 404);
  assert.is((await missing.json()).error.code, 'not_found');
  answers.followServiceLogs = following([lines[0]!], {}, 'fail');
  const broken = await ask(deps, { id: 'web', follow: true }, { authorization });
  const body = (await broken.text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(body, [lines[0], { error: { code: 'swarm_unavailable', message: 'the Docker engine closed the log stream' } }]);
});

test('should read a follow whose until has passed once, without following', async ({ deps, swarm }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const res = await ask(deps, { id: 'web', follow: true, until: '2024-01-01T00:00:00.5Z' }, { authorization });
  assert.is(res.headers.get('content-type'), 'application/x-ndjson');
  assert.equal((await res.text()).trim().split('\n').map((l) => JSON.parse(l)), lines);
  assert.equal(swarm.calls.map((c) => c.method), ['serviceLogs']);
});

test('should end a follow once the clock passes until', async ({ deps, answers }) => {
  const seen: { signal?: AbortSignal } = {};
  answers.followServiceLogs = following([lines[0]!], seen);
  const { authorization } = await deps.addUser('viewer', ['services.read']);
  const until = new Date(Date.now() + 200).toISOString();
  const started = Date.now();
  const res = await ask(deps, { id: 'web', follow: true, until }, { authorization });
  assert.is((await res.text()).trim().split('\n').length, 1);
  assert.ok(seen.signal!.aborted);
  assert.ok(Date.now() - started < 5000);
});

test('should answer 404 to a scoped holder for a service outside its scope, reading no logs', async ({ deps, swarm, answers }) => {
  const labelled = (name: string, labels: Record<string, string>) => ({ service: { id: name, name, labels } });
  answers.inspectService = (id: string) => (id === 'shop_web' ? labelled('shop_web', { 'com.docker.stack.namespace': 'shop' }) : labelled(id, {}));
  const { authorization } = await deps.addUser('shop', ['services.read:stack=shop']);
  const res = await ask(deps, { id: 'bank_api' }, { authorization });
  assert.is(res.status, 404);
  assert.is((await res.json()).error.code, 'not_found');
  assert.not.ok(swarm.calls.some((c) => c.method === 'serviceLogs'));
  assert.is((await ask(deps, { id: 'shop_web' }, { authorization })).status, 200);
});

test.run();
