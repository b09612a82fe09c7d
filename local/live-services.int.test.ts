/**
 * list-services from live state, end to end: local mode against the real engine. A service created behind the
 * dashboard's back (straight on the engine) shows in list-services as soon as its event arrives, an unchanged
 * list answers 304, and a removed service goes.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalServer, type LocalServer } from '../testing/local-server.ts';
import { admitted, admittedService, connectTestSwarm, removeServicesByPrefix, testServiceSpec, uniquePrefix, waitFor } from '../testing/swarm.ts';

const swarm = await connectTestSwarm();
const prefix = uniquePrefix('it-live-');

const test = suite<{ server: LocalServer; token: string }>('list-services from live state', {} as never);
test.before(async (ctx) => {
  ctx.server = await startLocalServer();
  const login = await fetch(`${ctx.server.url}/function/login`, { method: 'POST', body: JSON.stringify({ username: ctx.server.adminUsername, password: ctx.server.adminPassword }) });
  ctx.token = ((await login.json()) as { token: string }).token;
});
test.after(async ({ server }) => {
  await removeServicesByPrefix(swarm, prefix);
  await server.stop();
});

const list = async (server: LocalServer, token: string, etag?: string) =>
  fetch(`${server.url}/function/list-services`, { headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) } });
const names = async (res: Response) => ((await res.json()) as { services: Array<{ name: string }> }).services.map((s) => s.name);

test('should show a service created on the engine, answer 304 while nothing changes, and drop it once removed', async ({ server, token }) => {
  const first = await list(server, token);
  assert.is(first.status, 200);
  const etag = first.headers.get('etag')!;
  assert.ok(etag, 'an ETag');
  const name = `${prefix}web`;
  const started = Date.now();
  const { id } = await swarm.createService(await admitted(testServiceSpec({ name, replicas: 0 })));
  await waitFor('the new service in list-services', async () => (await names(await list(server, token))).includes(name), { timeoutMs: 10_000, intervalMs: 20 });
  const visibleMs = Date.now() - started;
  const current = await list(server, token);
  const tag = current.headers.get('etag')!;
  assert.is.not(tag, etag, 'a new list, a new tag');
  assert.is((await list(server, token, tag)).status, 304);
  await swarm.removeService(await admittedService(id));
  await waitFor('the service gone from list-services', async () => !(await names(await list(server, token))).includes(name), { timeoutMs: 10_000, intervalMs: 20 });
  console.log(`visible ${visibleMs} ms after create (engine call included)`);
});

test.run();
