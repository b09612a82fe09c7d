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

ui.run();
