import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventQuery } from '../../lib/events/event-history.ts';
import { testEvent } from '../../lib/events/test-events.ts';
import { SCOPED_SERVICES, scopedEvents } from '../../lib/events/scoped-test-events.ts';
import type { ServiceSummary } from '../../lib/swarm/swarm.ts';
import { createTestDeps, post, recordingSwarm, type TestDeps } from '../../testing/deps.ts';
import { listEvents } from './function.ts';

type Ctx = { deps: TestDeps; queries: EventQuery[] };
const test = suite<Ctx>('list-events', {} as Ctx);

// 2024-01-01T00:00:00Z in nanoseconds, then one event a second.
const T0 = 1_704_067_200_000_000_000n;
const SECOND = 1_000_000_000n;
const stored = [
  testEvent(T0, 0, { type: 'container', action: 'start', actor: 'c1' }),
  testEvent(T0 + SECOND, 1, { type: 'service', action: 'update', actor: 'svc1' }),
  testEvent(T0 + 2n * SECOND, 2, { type: 'container', action: 'die', actor: 'c1' }),
  testEvent(T0 + 3n * SECOND, 3, { type: 'container', action: 'start', actor: 'c2' }),
];

test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
  await ctx.deps.history.append(stored);
  // Records what the handler asks the history, to show what it passes and that refused requests ask nothing.
  ctx.queries = [];
  const range = ctx.deps.history.range.bind(ctx.deps.history);
  ctx.deps.history.range = (query) => (ctx.queries.push(query), range(query));
});
test.after.each(({ deps }) => deps.cleanup());

const ask = (deps: TestDeps, body: unknown, headers: Record<string, string> = {}) => mountFunction(listEvents, deps).request('/', post(body, headers));
const ids = (body: { events: Array<{ id: string }> }) => body.events.map((e) => e.id);

test('should answer every stored event, oldest first, with limit 100 by default', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  const res = await ask(deps, {}, { authorization });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json');
  const body = await res.json();
  assert.equal(body, { events: stored });
  assert.equal(queries, [{ limit: 100 }]);
});

test('should pass since and until as nanoseconds, from RFC 3339 or a decimal count, and the filters as given', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  const res = await ask(deps, { since: '2024-01-01T00:00:00Z', until: String(T0 + 2n * SECOND), type: 'container', action: 'start', actor: 'c1', limit: 10 }, { authorization });
  assert.is(res.status, 200);
  assert.equal(ids(await res.json()), [stored[0]!.id]);
  assert.equal(queries, [{ since: T0, until: T0 + 2n * SECOND, type: 'container', action: 'start', actor: 'c1', limit: 10 }]);
});

test('should accept since equal to until', async ({ deps }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  const at = String(T0 + SECOND);
  const res = await ask(deps, { since: at, until: at }, { authorization });
  assert.is(res.status, 200);
  assert.equal(ids(await res.json()), [stored[1]!.id]);
});

test('should page with next and cursor', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  const first = await (await ask(deps, { limit: 3 }, { authorization })).json();
  assert.equal(ids(first), stored.slice(0, 3).map((e) => e.id));
  assert.type(first.next, 'string');
  const second = await (await ask(deps, { limit: 3, cursor: first.next }, { authorization })).json();
  assert.equal(second, { events: [stored[3]] });
  assert.equal(queries[1], { cursor: first.next, limit: 3 });
});

test('should page newest first with order desc, by POST and GET', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  const first = await (await ask(deps, { limit: 3, order: 'desc' }, { authorization })).json();
  assert.equal(ids(first), [3, 2, 1].map((i) => stored[i]!.id));
  assert.type(first.next, 'string');
  const res = await mountFunction(listEvents, deps).request(`/?order=desc&limit=3&cursor=${first.next}`, { headers: { authorization } });
  assert.equal(await res.json(), { events: [stored[0]] });
  assert.equal(queries, [{ order: 'desc', limit: 3 }, { cursor: first.next, order: 'desc', limit: 3 }]);
});

test('should answer GET with the fields as query parameters', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  const res = await mountFunction(listEvents, deps).request(`/?type=container&since=${T0 + SECOND}&limit=1`, { headers: { authorization } });
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(ids(body), [stored[2]!.id]);
  assert.type(body.next, 'string');
  assert.equal(queries, [{ since: T0 + SECOND, type: 'container', limit: 1 }]);
});

test('should refuse since after until with validation_failed, without reading the history', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  for (const [since, until] of [[String(T0 + 1n), String(T0)], ['2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z'], ['2024-01-01T00:00:01Z', String(T0)]]) {
    const res = await ask(deps, { since, until }, { authorization });
    assert.is(res.status, 400, `${since} > ${until}`);
    const { error } = await res.json();
    assert.is(error.code, 'validation_failed');
    assert.equal(error.details.map((d: { field: string }) => d.field), ['since']);
  }
  assert.equal(queries, []);
});

test('should answer 401 without a token, without reading the history', async ({ deps, queries }) => {
  for (const init of [post({}), { method: 'GET' }]) {
    const res = await mountFunction(listEvents, deps).request('/', init);
    assert.is(res.status, 401);
    assert.is((await res.json()).error.code, 'unauthenticated');
  }
  assert.equal(queries, []);
});

test('should need events.read, without reading the history', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('viewer', ['services.read', 'nodes.read', 'users.read']);
  const res = await ask(deps, {}, { authorization });
  assert.is(res.status, 403);
  assert.is((await res.json()).error.code, 'forbidden');
  assert.equal(queries, []);
});

test('should refuse bad input with validation_failed, without reading the history', async ({ deps, queries }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  for (const body of [{ since: 'yesterday' }, { until: '2024-13-01T00:00:00Z' }, { since: '99999999999999999999' }, { limit: 0 }, { limit: 1001 }, { limit: 'many' }, { type: '' }, { scope: 'audit' }]) {
    const res = await ask(deps, body, { authorization });
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  for (const query of ['?limit=0', '?since=last%20week', '?order=newest', '?order=DESC']) {
    const res = await mountFunction(listEvents, deps).request(`/${query}`, { headers: { authorization } });
    assert.is(res.status, 400, query);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
  assert.equal(queries, []);
});

test('should refuse a forged cursor with validation_failed', async ({ deps }) => {
  const { authorization } = await deps.addUser('auditor', ['events.read']);
  for (const cursor of ['not-a-cursor', Buffer.from('["x","y"]').toString('base64url')]) {
    const res = await ask(deps, { cursor }, { authorization });
    assert.is(res.status, 400, cursor);
    assert.is((await res.json()).error.code, 'validation_failed');
  }
});

test.run();

const scoped = suite<{ deps: TestDeps }>('list-events for scoped events.read', {} as { deps: TestDeps });
const scopedStored = scopedEvents(T0);
scoped.before.each(async (ctx) => {
  const summaries = SCOPED_SERVICES.map((s) => ({ ...s, image: 'local/busybox:1', mode: 'replicated', replicas: { desired: 1, running: 1 }, ports: [], createdAt: '', updatedAt: '', version: 1 }) as ServiceSummary);
  ctx.deps = await createTestDeps({ swarm: recordingSwarm({ listServices: () => summaries }) });
  await ctx.deps.history.append(Object.values(scopedStored));
});
scoped.after.each(({ deps }) => deps.cleanup());

scoped('should answer a stack-scoped holder only the events about its stack, paged without gaps', async ({ deps }) => {
  const { authorization } = await deps.addUser('shop', ['events.read:stack=shop']);
  const first = await (await ask(deps, { limit: 2 }, { authorization })).json();
  assert.equal(ids(first), [scopedStored.shopService!.id, scopedStored.shopContainer!.id]);
  assert.type(first.next, 'string');
  const rest = await (await ask(deps, { limit: 2, cursor: first.next }, { authorization })).json();
  assert.equal(ids(rest), [scopedStored.shopStackAudit!.id]);
  assert.is(rest.next, undefined);
});

scoped('should still answer everything to unscoped events.read, and 403 to a user with neither form', async ({ deps }) => {
  const all = await deps.addUser('all', ['events.read', 'events.read:stack=shop']);
  assert.is((await (await ask(deps, {}, { authorization: all.authorization })).json()).events.length, Object.keys(scopedStored).length);
  const none = await deps.addUser('none', ['services.read']);
  assert.is((await ask(deps, {}, { authorization: none.authorization })).status, 403);
});
scoped.run();
