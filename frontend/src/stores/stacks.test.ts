import { createRoot } from 'solid-js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError, type DeployStackRequest } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { ServiceSummary } from '../types.ts';
import { createStacksStore } from './stacks.ts';

const svc = (id: string, stack: string | undefined, over: Partial<ServiceSummary> = {}): ServiceSummary => ({
  id,
  name: stack ? `${stack}_${id}` : id,
  image: 'local/busybox:1',
  mode: 'replicated',
  replicas: { desired: 1, running: 1 },
  ports: [],
  labels: stack ? { 'com.docker.stack.namespace': stack } : {},
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  version: 1,
  ...over,
});

/** A fake context whose deploy-stack records its requests; the service list is the test's to change. */
const fakeContext = (services: ServiceSummary[]) => {
  const deploys: DeployStackRequest[] = [];
  const removed: string[] = [];
  const ctx = {
    api: {
      listServices: async () => ({ services }),
      inspectService: async (id: string) => {
        const found = services.find((s) => s.id === id || s.name === id);
        if (!found) throw new ApiError(404, 'not_found', 'gone');
        return { service: { ...found, spec: {} }, tasks: [] };
      },
      inspectStack: async (name: string) => ({ name, compose: name === 'old' ? '' : 'services: {}\n', services: [] }),
      deployStack: async (r: DeployStackRequest) => {
        deploys.push(r);
        if (r.compose.includes('privileged')) throw new ApiError(403, 'policy_denied', 'denied', [{ service: `${r.name}_x`, rule: 'privileged' }]);
        return { name: r.name, services: [{ name: `${r.name}_web`, action: 'created' as const }, { name: `${r.name}_db`, action: 'unchanged' as const }] };
      },
      removeStack: async (name: string) => void removed.push(name),
    },
    live: { subscribe: () => () => {} },
    toasts: { success: () => 0, error: () => 0, info: () => 0 },
  } as unknown as AppContext;
  ctx.stores = new Map();
  ctx.owner = null;
  return { ctx, deploys, removed };
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const withStore = async (services: ServiceSummary[], body: (s: ReturnType<typeof createStacksStore>, f: ReturnType<typeof fakeContext>) => Promise<void>) => {
  const f = fakeContext(services);
  let dispose!: () => void;
  const s = createRoot((d) => ((dispose = d), createStacksStore(f.ctx)));
  try {
    await body(s, f);
  } finally {
    s.services.dispose();
    dispose();
  }
};

const store = suite('stacks store');

store('should group the live services by stack and leave out those in none', async () => {
  await withStore([svc('a', 'shop'), svc('b', undefined), svc('c', 'blog', { replicas: { desired: 2, running: 1 } }), svc('d', 'shop')], async (s) => {
    await s.load();
    assert.equal(s.stacks().map((g) => [g.name, g.services.length, g.running, g.desired, g.converging]), [
      ['blog', 1, 1, 2, true],
      ['shop', 2, 2, 2, false],
    ]);
  });
});

store('should refuse a bad draft locally, without calling the server', async () => {
  await withStore([], async (s, f) => {
    s.edit({ name: 'Bad Name', compose: '', env: 'not a pair' });
    await s.runPreview();
    assert.is(f.deploys.length, 0);
    assert.is(s.problem()?.code, 'validation_failed');
    assert.equal((s.problem()?.details as { field: string }[]).map((d) => d.field), ['name', 'compose', 'env']);
  });
});

store('should preview with a dry run, drop the preview on an edit, and deploy exactly what was previewed', async () => {
  await withStore([], async (s, f) => {
    await s.load();
    s.edit({ name: 'shop', compose: 'services: {web: {image: x}}', env: 'TAG=1\n# note\n' });
    await s.runPreview();
    assert.equal(f.deploys[0], { name: 'shop', compose: 'services: {web: {image: x}}', env: { TAG: '1' }, dryRun: true });
    assert.equal(s.preview()?.result.services.map((x) => x.action), ['created', 'unchanged']);
    s.edit({ prune: true });
    assert.is(s.preview(), null);
    await s.deploy();
    assert.is(f.deploys.length, 1, 'no deploy without a preview of the current draft');
    await s.runPreview();
    await s.deploy();
    assert.equal(f.deploys[2], { name: 'shop', compose: 'services: {web: {image: x}}', env: { TAG: '1' }, prune: true });
    assert.is(s.deployment()?.name, 'shop');
  });
});

store('should follow each deployed service until it converges', async () => {
  const list: ServiceSummary[] = [svc('db', 'shop')];
  await withStore(list, async (s) => {
    await s.load();
    s.edit({ name: 'shop', compose: 'services: {}' });
    await s.runPreview();
    list.push(svc('web', 'shop', { replicas: { desired: 1, running: 0 } }));
    await s.deploy();
    await wait(10);
    assert.equal(s.progress().map((r) => [r.name, r.action, r.progress?.label, r.converged]), [
      ['shop_web', 'created', '0/1', false],
      ['shop_db', 'unchanged', '1/1', true],
    ]);
    assert.is(s.converged(), false);
    list[1] = svc('web', 'shop');
    await s.services.refreshOne('shop_web');
    assert.is(s.progress()[0]!.progress?.label, '1/1');
    assert.is(s.converged(), true);
  });
});

store('should keep a policy refusal with its details, and nothing deployed', async () => {
  await withStore([], async (s) => {
    s.edit({ name: 'shop', compose: 'privileged: true' });
    await s.runPreview();
    assert.is(s.problem()?.code, 'policy_denied');
    assert.is(s.preview(), null);
    assert.is(s.deployment(), null);
  });
});

store('should remove a stack and drop its services from the list', async () => {
  await withStore([svc('a', 'shop'), svc('b', 'blog')], async (s, f) => {
    await s.load();
    await s.remove('shop');
    assert.equal(f.removed, ['shop']);
    assert.equal(s.stacks().map((g) => g.name), ['blog']);
  });
});

store('should load the last deployed file of a stack, and say when it is unknown', async () => {
  await withStore([], async (s) => {
    await s.loadStack('shop');
    assert.equal(s.draft(), { name: 'shop', compose: 'services: {}\n', env: '', prune: false });
    await s.loadStack('old');
    assert.is(s.problem()?.code, 'not_found');
  });
});
store.run();
