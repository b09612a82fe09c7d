/**
 * The unit tests of the secret and config functions, written once for both kinds as the functions are
 * (lib/secrets/functions.ts). Each function's test file runs them for its own definition, so a change that
 * breaks one kind fails that kind's tests.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyFunctionDefinition } from '../lib/http/function-definition.ts';
import { mountFunction } from '../lib/http/mount.ts';
import type { Permission } from '../lib/permissions.ts';
import { createTestDeps, post, recordingSwarm, serviceDetail, type TestDeps } from './deps.ts';

type Kind = 'secret' | 'config';

/** The swarm methods and spec keys of a kind: `listSecrets`, `SecretID`, `secrets.write`… */
const names = (kind: Kind) => {
  const Kind = kind === 'secret' ? 'Secret' : 'Config';
  return {
    list: `list${Kind}s`,
    create: `create${Kind}`,
    remove: `remove${Kind}`,
    refs: `${Kind}s`,
    id: `${Kind}ID`,
    name: `${Kind}Name`,
    read: `${kind}s.read` as Permission,
    write: `${kind}s.write` as Permission,
  };
};

const obj = (id: string, name: string, labels: Record<string, string> = {}) => ({ id, name, labels, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1 });

export function createObjectTests(kind: Kind, definition: AnyFunctionDefinition): void {
  const n = names(kind);
  const test = suite<{ deps: TestDeps }>(definition.name, {} as { deps: TestDeps });
  test.after.each(({ deps }) => deps.cleanup());

  test('should create version 1 as <name>.v1 and keep the data out of the audit', async (ctx) => {
    const swarm = recordingSwarm({ [n.list]: () => [], [n.create]: (o: { name: string }) => ({ id: 'new', name: o.name }) });
    ctx.deps = await createTestDeps({ swarm });
    const { authorization } = await ctx.deps.addUser('ops', [n.write]);
    const data = Buffer.from('hunter2').toString('base64');
    const res = await mountFunction(definition, ctx.deps).request('/', post({ name: 'db', data, labels: { team: 'a' } }, { authorization }));
    assert.is(res.status, 201);
    assert.equal(await res.json(), { id: 'new', name: 'db', version: 1 });
    assert.equal(swarm.calls.find((c) => c.method === n.create)!.args[0], { name: 'db.v1', data, labels: { team: 'a' } });
    const audit = ctx.deps.published.find((e) => e.action === `${kind}.create`)!;
    assert.ok(audit);
    assert.not.ok(JSON.stringify(ctx.deps.published).includes(data));
  });

  test('should answer 409 object_exists when the name has a version, and 400 for bad data or reserved labels', async (ctx) => {
    const swarm = recordingSwarm({ [n.list]: () => [{ id: 'x', name: 'db.v3', labels: {}, createdAt: '', updatedAt: '', version: 1 }] });
    ctx.deps = await createTestDeps({ swarm });
    const { authorization } = await ctx.deps.addUser('ops', [n.write]);
    const app = mountFunction(definition, ctx.deps);
    const taken = await app.request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
    assert.is(taken.status, 409);
    assert.is((await taken.json()).error.code, 'object_exists');
    for (const body of [{ name: 'db', data: 'not base64!' }, { name: 'a.v1', data: 'aGk=' }, { name: 'db', data: 'aGk=', labels: { 'com.docker.stack.namespace': 'x' } }]) {
      const res = await app.request('/', post(body, { authorization }));
      assert.is(res.status, 400, JSON.stringify(body));
    }
    assert.not.ok(swarm.calls.some((c) => c.method === n.create));
  });

  test.run();
}

export function rotateObjectTests(kind: Kind, definition: AnyFunctionDefinition): void {
  const n = names(kind);
  const using = (name: string, id: string) => ({ id: 's-' + name, name, version: 3, spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x', [n.refs]: [{ [n.id]: id, [n.name]: 'n', File: { Name: 'n' } }] } } } });
  const test = suite<{ deps: TestDeps }>(definition.name, {} as { deps: TestDeps });
  test.after.each(({ deps }) => deps.cleanup());

  test('should create the next version, move each service using an old one at the same target, and remove the old one', async (ctx) => {
    const current = using('web', 'old').spec;
    let services = [using('web', 'old')];
    const objects = [obj('old', 'db.v4', { team: 'a' })];
    const swarm = recordingSwarm({
      [n.list]: () => [...objects],
      listServiceSpecs: () => services,
      inspectService: () => serviceDetail(current, { id: 's-web', version: 3 }),
      [n.create]: (o: { name: string }) => (objects.push(obj('new', o.name)), { id: 'new', name: o.name }),
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      updateService: (id: string, version: number, spec: any) => { services = [{ id, name: 'web', version: version + 1, spec }]; return { id, version: version + 1 }; },
      listNetworks: () => [],
      [n.remove]: () => undefined,
    });
    ctx.deps = await createTestDeps({ swarm });
    const { authorization } = await ctx.deps.addUser('ops', [n.read, n.write, 'services.read', 'services.write']);
    const res = await mountFunction(definition, ctx.deps).request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
    assert.is(res.status, 200, await res.clone().text());
    assert.equal(await res.json(), { name: 'db', version: 5, services: ['s-web'] });
    assert.equal(swarm.calls.find((c) => c.method === n.create)!.args[0], { name: 'db.v5', data: 'aGk=', labels: { team: 'a' } });
    const update = swarm.calls.find((c) => c.method === 'updateService')!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ref = (update.args[2] as any).TaskTemplate.ContainerSpec[n.refs][0];
    assert.equal(ref, { [n.id]: 'new', [n.name]: 'db.v5', File: { Name: 'n' } });
    assert.equal(swarm.calls.find((c) => c.method === n.remove)!.args, ['old']);
  });

  test('should answer 404 for an unknown name without creating anything', async (ctx) => {
    const swarm = recordingSwarm({ [n.list]: () => [] });
    ctx.deps = await createTestDeps({ swarm });
    const { authorization } = await ctx.deps.addUser('ops', [n.write]);
    const res = await mountFunction(definition, ctx.deps).request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
    assert.is(res.status, 404);
    assert.equal(swarm.calls.map((c) => c.method), [n.list]);
  });

  test('should refuse, creating nothing, to move services the caller may not write', async (ctx) => {
    const current = using('web', 'old').spec;
    const swarm = recordingSwarm({
      [n.list]: () => [obj('old', 'db.v4')],
      listServiceSpecs: () => [using('web', 'old')],
      inspectService: () => serviceDetail(current, { id: 's-web', version: 3 }),
      listNetworks: () => [],
    });
    ctx.deps = await createTestDeps({ swarm });
    const { authorization } = await ctx.deps.addUser('ops', [n.read, n.write, 'services.read']);
    const res = await mountFunction(definition, ctx.deps).request('/', post({ name: 'db', data: 'aGk=' }, { authorization }));
    assert.is(res.status, 403);
    assert.is((await res.json()).error.code, 'forbidden');
    assert.not.ok(swarm.calls.some((c) => [n.create, 'updateService', n.remove].includes(c.method)));
  });

  test.run();
}
