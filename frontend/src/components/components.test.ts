/**
 * Component tests: the real components, compiled by vite-plugin-solid in SSR mode and rendered to HTML with
 * solid-js/web's renderToString (no DOM needed). Interaction is covered by the browser tests in frontend/e2e.
 */
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type ViteDevServer } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('../..', import.meta.url));
let vite: ViteDevServer;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (path: string): Promise<any> => vite.ssrLoadModule(path);
const render = async (component: string, name: string, props: Record<string, unknown>) => {
  const web = await load('solid-js/web');
  const mod = await load(component);
  return web.renderToString(() => web.createComponent(mod[name], props)) as string;
};

const ui = suite('components (SSR)');

ui.before(async () => {
  vite = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    plugins: [solid({ ssr: true })],
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: 'custom',
    optimizeDeps: { noDiscovery: true, include: [] },
  });
});
ui.after(async () => {
  await vite.close();
});

const service = {
  id: 'abc',
  name: 'web',
  image: 'local/busybox:1',
  mode: 'replicated',
  replicas: { desired: 4, running: 1 },
  ports: [],
  labels: {},
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  version: 3,
  updateStatus: { state: 'updating', message: 'update in progress' },
};

ui('should render the progress bar with its state, message and ARIA values', async () => {
  const html = await render('/src/components/progress.tsx', 'ProgressBar', { service, showMessage: true });
  assert.match(html, /role="progressbar"/);
  assert.match(html, /aria-valuenow="1"/);
  assert.match(html, /aria-valuemax="4"/);
  assert.match(html, /1\/4 · updating/);
  assert.match(html, /update in progress/);
  assert.match(html, /converging/);
  assert.match(html, /width:\s*25%/);
});

ui('should list each broken policy rule of a denial', async () => {
  const { ApiError } = await load('/src/api.ts');
  const error = new ApiError(403, 'policy_denied', 'The service spec breaks the security policy (bind_mount)', [
    { rule: 'bind_mount', path: 'TaskTemplate.ContainerSpec.Mounts[0].Source', message: 'bind mounts need services.privileged' },
    { rule: 'docker_socket', path: 'TaskTemplate.ContainerSpec.Mounts[0].Source', message: 'the Docker socket' },
  ]);
  const html = await render('/src/components/error-details.tsx', 'ErrorDetails', { error });
  assert.match(html, /role="alert"/);
  assert.match(html, /Denied by the security policy/);
  assert.is((html.match(/<li[\s>]/g) ?? []).length, 2);
  assert.match(html, /bind_mount · TaskTemplate.ContainerSpec.Mounts\[0\].Source: bind mounts need services.privileged/);
});

ui('should label every input of the service form and show the initial values', async () => {
  const { formFromSpec } = await load('/src/logic/service-form.ts');
  const initial = formFromSpec({
    Name: 'web',
    TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Command: ['sleep', '3600'], Mounts: [{ Type: 'volume', Source: 'd', Target: '/d' }] } },
    Mode: { Replicated: { Replicas: 2 } },
    EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp', PublishMode: 'host' }] },
  });
  const html = await render('/src/components/service-form.tsx', 'ServiceForm', {
    initial,
    editing: true,
    privileged: false,
    submitLabel: 'Update service',
    onSubmit: async () => {},
  });
  const ids = [...html.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
  const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]));
  assert.ok(ids.length >= 18, `only ${ids.length} fields`);
  for (const id of ids) assert.ok(labelled.has(id), `no label for #${id}`);
  assert.match(html, /value="sleep 3600"/);
  assert.match(html, /value="8080"/);
  assert.match(html, /value="\/d"/);
  assert.match(html, /A service cannot be renamed/);
  assert.match(html, /Update service/);
  assert.not.match(html, /style="(?!width|height|transform)/, 'static inline styles would be blocked by the CSP');
});

ui('should draw a sparkline with a readable summary', async () => {
  const html = await render('/src/components/sparkline.tsx', 'Sparkline', { values: [0, 2, 5, 1], label: 'Events per minute' });
  assert.match(html, /<polyline points="0\.0,38\.0 /);
  assert.match(html, /aria-label="Events per minute: 8 in total, peak 5 per minute"/);
});

ui('should open the spec editor on the spec as YAML, with saving disabled until a diff is reviewed', async () => {
  const spec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1' } } };
  const html = await render('/src/components/spec-editor.tsx', 'SpecEditor', { spec, version: 3, onSave: async () => {}, onCancel: () => {} });
  assert.match(html, /aria-label="Service spec \(YAML\)"/);
  assert.match(html, /Name: web\nTaskTemplate:\n {2}ContainerSpec:\n {4}Image: local\/busybox:1/);
  assert.match(html, /<button[^>]*disabled[^>]*data-testid="spec-save"/);
  assert.not.match(html, /data-testid="spec-diff"/);
  assert.match(html, /Version (?:<!--[^>]*-->)*3/);
});

/** The markup without hydration keys and markers, as the browser's DOM has it. */
const bare = (html: string) => html.replace(/ data-hk="[^"]*"/g, '').replace(/<!--[^>]*-->/g, '');

ui('should render a data table with its heads, its rows, and one placeholder row across every column while it has none', async () => {
  const web = await load('solid-js/web');
  const { DataTable, ColumnHeads } = await load('/src/components/table.tsx');
  const table = (each: string[] | undefined, loaded: boolean) =>
    bare(web.renderToString(() =>
      web.createComponent(DataTable, {
        testid: 'things',
        get head() {
          return web.createComponent(ColumnHeads, { names: ['Name', 'Size'], actions: true });
        },
        columns: 3,
        each,
        loaded,
        empty: 'No things.',
        children: (item: string) => web.ssr(['<tr data-thing="', '"></tr>'], web.escape(item)),
      }),
    ) as string);
  const loading = table(undefined, false);
  assert.match(loading, /<div class="table-wrap"><table[^>]*data-testid="things"/);
  assert.match(loading, /<th scope="col">Name<\/th><th scope="col">Size<\/th><th scope="col"><span class="sr-only">Actions<\/span><\/th>/);
  assert.match(loading, /<td colspan="3" class="muted">Loading…<\/td>/);
  assert.match(table([], true), /<td colspan="3" class="muted">No things\.<\/td>/);
  const full = table(['a', 'b'], true);
  assert.match(full, /<tr data-thing="a"><\/tr><tr data-thing="b"><\/tr>/);
  assert.not.match(full, /No things|Loading/);
});

ui('should head a list page with its title and a Refresh button', async () => {
  const html = await render('/src/components/table.tsx', 'PageHead', { title: 'Users', onRefresh: () => {} });
  assert.match(bare(html), /<div class="page-head"><h1>Users<\/h1><button type="button" class="secondary">Refresh<\/button><\/div>/);
});

ui('should render a row\'s danger button with only the attributes given', async () => {
  const plain = bare(await render('/src/components/table.tsx', 'RowDangerButton', { label: 'Delete', onClick: () => {} }));
  assert.is(plain, '<button type="button" class="danger small">Delete</button>');
  const full = bare(await render('/src/components/table.tsx', 'RowDangerButton', { label: 'Remove', onClick: () => {}, disabled: true, title: 'Not yours.', testid: 'remove-stack' }));
  assert.match(full, /^<button type="button" class="danger small" disabled title="Not yours\." data-testid="remove-stack">Remove<\/button>$/);
});

ui.run();
