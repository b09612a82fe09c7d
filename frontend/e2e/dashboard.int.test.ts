/**
 * The dashboard in Debian's Chromium against local mode on the real local swarm: log in, create a service and
 * watch it converge, scale it, see its events arrive live, grant and revoke a permission and see another
 * user's UI change, delete the service, log out. Saves a screenshot of each main page to docs/screenshots/.
 * Needs: the SPA built (`npm run build:frontend`), a swarm (`npm run swarm:local`), Chromium (CHROMIUM_PATH or
 * /usr/bin/chromium). Fails with a clear message when one is missing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalServer, type LocalServer } from '../../testing/local-server.ts';
import { connectTestSwarm, sweepTestServices } from '../../testing/swarm.ts';
import { launchChromium } from './browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shots = join(root, 'docs', 'screenshots');
const suffix = randomBytes(3).toString('hex');
const serviceName = `e2e-ui-${suffix}`;
const bob = `e2e-bob-${suffix}`;
const bobPassword = 'bob password for e2e';
const T = 60_000;

let server: LocalServer;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let token = '';
const problems: string[] = [];

const api = async (name: string, body: unknown = {}) => {
  const response = await fetch(`${server.url}/function/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

const newContext = async (): Promise<BrowserContext> => {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  context.on('page', watch);
  return context;
};

/** Records CSP violations and uncaught errors; the last test asserts there were none. */
const watch = (page: Page) => {
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
};

const login = async (page: Page, username: string, password: string) => {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
};

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

const shot = async (page: Page, name: string) => {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
};

// NOTE: set up at top level, not in before(): uvu swallows errors thrown by hooks.
if (!existsSync(join(root, 'frontend', 'dist', 'index.html'))) {
  throw new Error('frontend/dist is missing: run `npm run build:frontend` before the browser tests.');
}
chromium = await launchChromium();
browser = chromium.browser;
server = await startLocalServer();
// Leftovers of killed runs: services this suite labelled, older than a few minutes.
await sweepTestServices(await connectTestSwarm(), 'e2e-ui');

let admin: Page;
let bobPage: Page;
let serviceId = '';

const e2e = suite('dashboard in Chromium');

e2e.after(async () => {
  try {
    if (serviceId) await api('delete-service', { id: serviceId });
  } finally {
    await chromium.close();
    await server.stop();
  }
});

e2e('should serve the SPA with a strict CSP and the security headers', async () => {
  const response = await fetch(`${server.url}/services`);
  assert.is(response.status, 200);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.is(response.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(response.headers.get('referrer-policy'));
  assert.not.match(await response.text(), /<script>(?!<\/script>)|<script(?![^>]*src)[^>]*>/, 'no inline script');
});

e2e('should send a signed-out user to login and come back to the page asked for', async () => {
  const context = await newContext();
  admin = await context.newPage();
  await admin.goto(`${server.url}/nodes`);
  await admin.waitForURL(/\/login\?next=%2Fnodes/, { timeout: T });
  await admin.getByLabel('Username', { exact: true }).fill(server.adminUsername);
  await admin.getByLabel('Password', { exact: true }).fill('wrong password');
  await admin.getByRole('button', { name: 'Log in' }).click();
  await admin.getByTestId('login-error').waitFor({ timeout: T });
  await admin.getByLabel('Password', { exact: true }).fill('');
  // Keyboard: the first Tab reaches the skip link, and focus is visible.
  await admin.reload();
  await admin.getByLabel('Username', { exact: true }).waitFor();
  await shot(admin, 'login');
  await admin.keyboard.press('Tab');
  const focused = await admin.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
  });
  assert.equal(focused, { text: 'Skip to content', outline: 'solid' });
  await login(admin, server.adminUsername, server.adminPassword);
  await admin.waitForURL(/\/nodes$/, { timeout: T });
  await admin.getByTestId('nodes-table').locator('tbody tr[data-node]').first().waitFor({ timeout: T });
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.httpOnly), 'the session is an HttpOnly cookie');
  const stored = await admin.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.is(stored, '{}{}', 'nothing in web storage');
  // Label editing on the shared node: add a label of our own, then take it away again (drain and demote are
  // not exercised here: this swarm's single node runs the other tests' services).
  const node = admin.getByTestId('nodes-table').locator('tbody tr[data-node]').first();
  const label = `e2e-ui=${suffix}`;
  await node.getByRole('button', { name: 'Edit labels' }).click();
  const labels = node.getByRole('textbox');
  const before = await labels.inputValue();
  await labels.fill(before ? `${before}\n${label}` : label);
  await node.getByRole('button', { name: 'Save labels' }).click();
  await node.locator('.chip', { hasText: label }).waitFor({ timeout: T });
  await node.getByRole('button', { name: 'Edit labels' }).click();
  const withOurs = await node.getByRole('textbox').inputValue();
  await node.getByRole('textbox').fill(withOurs.split('\n').filter((l) => l !== label).join('\n'));
  await node.getByRole('button', { name: 'Save labels' }).click();
  await node.locator('.chip', { hasText: label }).waitFor({ state: 'detached', timeout: T });
  await admin.getByTestId('load-placements').click();
  await admin.getByTestId('placements').waitFor({ timeout: T });
  await shot(admin, 'nodes');
  const answer = await api('login', { username: server.adminUsername, password: server.adminPassword });
  token = answer.body.token;
});

e2e('should refuse a bad form on the client, then create a service and watch it converge', async () => {
  await nav(admin, 'Services').click();
  await admin.getByTestId('create-service').click();
  await admin.waitForURL(/\/services\/new$/);
  await admin.getByLabel('Name', { exact: true }).fill('-bad name');
  await admin.getByLabel('Image', { exact: true }).fill('local/busybox:1');
  await admin.getByTestId('service-form-submit').click();
  await admin.locator('.field-error', { hasText: 'Letters, digits' }).waitFor({ timeout: T });
  assert.match(admin.url(), /\/services\/new$/, 'nothing was sent');
  await admin.getByLabel('Name', { exact: true }).fill(serviceName);
  await admin.getByLabel('Command', { exact: true }).fill('sleep 3600');
  await admin.getByLabel('Replicas', { exact: true }).fill('1');
  // NOTE: the test label lets the next run sweep this service if this one is killed (testing/swarm.ts).
  await admin.getByLabel('Labels', { exact: true }).fill('e2e=ui\ntest.swarm-dashboard=e2e-ui');
  await admin.getByTestId('service-form-submit').click();
  await admin.waitForURL(/\/services\/(?!new)[^/]+$/, { timeout: T });
  serviceId = decodeURIComponent(admin.url().split('/').pop()!);
  assert.is(await admin.getByTestId('service-name').textContent(), serviceName);
  await admin.locator('[data-testid="replicas"]', { hasText: /^1\/1/ }).first().waitFor({ timeout: T });
  await admin.getByRole('tab', { name: 'Tasks', exact: true }).click();
  await admin.locator('.state-running').first().waitFor({ timeout: T });
  await shot(admin, 'service-detail');
});

e2e('should scale it and show the progress until it converges', async () => {
  await admin.getByRole('tab', { name: 'Overview', exact: true }).click();
  await admin.getByTestId('scale-input').fill('2');
  await admin.getByTestId('scale-submit').click();
  await admin.locator('[data-testid="replicas"]', { hasText: /\/2/ }).first().waitFor({ timeout: T });
  await admin.locator('[data-testid="replicas"]', { hasText: /^2\/2/ }).first().waitFor({ timeout: T });
  await nav(admin, 'Services').click();
  const row = admin.locator(`tr[data-service="${serviceName}"]`);
  await row.waitFor({ timeout: T });
  await row.locator('[data-testid="replicas"]', { hasText: /^2\/2/ }).waitFor({ timeout: T });
  await shot(admin, 'services');
});

e2e('should edit, restart and roll back the service, and show its logs and raw spec', async () => {
  await admin.goto(`${server.url}/services/${encodeURIComponent(serviceId)}`);
  await admin.getByRole('tab', { name: 'Edit', exact: true }).click();
  await admin.getByLabel('Environment', { exact: true }).fill('E2E=edited');
  await admin.getByTestId('service-form-submit').click();
  await admin.locator('.toast', { hasText: 'Updating' }).waitFor({ timeout: T });
  await admin.getByRole('tab', { name: 'Raw JSON', exact: true }).click();
  await admin.locator('pre.json', { hasText: 'E2E=edited' }).waitFor({ timeout: T });
  await admin.getByRole('tab', { name: 'Overview', exact: true }).click();
  await admin.locator('.facts dd', { hasText: 'E2E=edited' }).waitFor({ timeout: T });

  await admin.getByRole('button', { name: 'Restart' }).click();
  await admin.getByTestId('confirm-ok').click();
  await admin.locator('.toast', { hasText: 'Restarting' }).waitFor({ timeout: T });

  await admin.getByRole('button', { name: 'Roll back' }).click();
  await admin.getByTestId('confirm-ok').click();
  await admin.locator('.toast', { hasText: 'Rolling back' }).waitFor({ timeout: T });

  await admin.getByRole('tab', { name: 'Logs', exact: true }).click();
  await admin.getByTestId('logs').waitFor({ timeout: T });
  await admin.getByRole('tab', { name: 'History', exact: true }).click();
  await admin.getByTestId('service-history').locator('li', { hasText: 'service.update' }).first().waitFor({ timeout: T });
});

e2e('should show the service events live, without a reload', async () => {
  await nav(admin, 'Events').click();
  await admin.getByTestId('live-indicator').and(admin.locator('[data-status="live"]')).waitFor({ timeout: T });
  await admin.getByTestId('event-service').fill(serviceName);
  const rows = admin.locator('.events-vlist [role="listitem"]');
  await rows.first().waitFor({ timeout: T });
  const before = await rows.count();
  const navigations: string[] = [];
  admin.on('framenavigated', (f) => navigations.push(f.url()));
  const scaled = await api('scale-service', { id: serviceId, replicas: 1 });
  assert.is(scaled.status, 200, JSON.stringify(scaled.body));
  try {
    await admin.waitForFunction((n) => document.querySelectorAll('.events-vlist [role="listitem"]').length > n, before, { timeout: T });
  } catch (e) {
    mkdirSync(join(root, '.cache', 'logs'), { recursive: true });
    await admin.screenshot({ path: join(root, '.cache', 'logs', 'e2e-events-failure.png') });
    const rowsText = await rows.allTextContents();
    throw new Error(`no new event row (before ${before}): ${await admin.getByTestId('event-count').textContent()} rows=${JSON.stringify(rowsText)}; ${(e as Error).message}`);
  }
  await admin.getByTestId('event-service').fill('');
  await admin.locator('.events-vlist [data-event-type="audit"]').first().waitFor({ timeout: T });
  // Pause, so rows stop shifting as events arrive, then open the newest audit event.
  await admin.getByTestId('pause').click();
  assert.is(await admin.getByTestId('pause').getAttribute('aria-pressed'), 'true');
  await admin.locator('.events-vlist [data-event-type="audit"]').first().getByRole('button').click();
  const summary = await admin
    .getByTestId('audit-summary')
    .textContent({ timeout: T })
    .catch(async (e) => {
      mkdirSync(join(root, '.cache', 'logs'), { recursive: true });
      await admin.screenshot({ path: join(root, '.cache', 'logs', 'e2e-audit-failure.png') });
      throw e;
    });
  assert.match(summary ?? '', new RegExp(server.adminUsername));
  assert.equal(navigations, [], 'no page load');
  await admin.getByTestId('pause').click();
  assert.is(await admin.getByTestId('pause').getAttribute('aria-pressed'), 'false');
  await admin.getByRole('button', { name: 'Load an earlier hour' }).click();
  await admin.getByTestId('event-count').filter({ hasText: 'stored history loaded from' }).waitFor({ timeout: T });
  await shot(admin, 'events');
});

e2e('should change what another user may do as soon as a permission is granted or revoked', async () => {
  await nav(admin, 'Users').click();
  await admin.getByLabel('Username', { exact: true }).fill(bob);
  await admin.getByLabel('Password', { exact: true }).fill(bobPassword);
  const form = admin.getByTestId('create-user-form');
  await form.getByLabel('services.read', { exact: true }).check();
  await form.getByLabel('events.read', { exact: true }).check();
  await form.getByRole('button', { name: 'Create user' }).click();
  const bobRow = admin.locator(`tr[data-user="${bob}"]`);
  await bobRow.waitFor({ timeout: T });

  const bobContext = await newContext();
  bobPage = await bobContext.newPage();
  await bobPage.goto(`${server.url}/`);
  await bobPage.waitForURL(/\/login/);
  await login(bobPage, bob, bobPassword);
  await bobPage.waitForURL(/\/services$/, { timeout: T });
  await bobPage.getByTestId('services-table').waitFor();
  assert.is(await bobPage.getByTestId('create-service').count(), 0, 'bob cannot create services yet');
  assert.is(await nav(bobPage, 'Users').count(), 0, 'bob does not see users');

  await bobRow.locator('input[data-permission="services.write"]').check();
  await bobPage.getByTestId('create-service').waitFor({ timeout: T });
  await shot(admin, 'users');

  // The form stops bind mounts for bob (no services.privileged); a request that gets past it anyway is denied
  // by the server's policy, and the page lists each broken rule.
  await bobPage.getByTestId('create-service').click();
  await bobPage.getByLabel('Name', { exact: true }).fill(`${serviceName}-bind`);
  await bobPage.getByLabel('Image', { exact: true }).fill('local/busybox:1');
  await bobPage.getByRole('button', { name: 'Add mount' }).click();
  await bobPage.getByLabel('Type', { exact: true }).selectOption('bind');
  await bobPage.getByLabel('Source', { exact: true }).fill('/var/run/docker.sock');
  await bobPage.getByLabel('Target', { exact: true }).fill('/var/run/docker.sock');
  await bobPage.getByTestId('service-form-submit').click();
  await bobPage.locator('.field-error', { hasText: 'services.privileged' }).first().waitFor({ timeout: T });
  await bobPage.getByLabel('Type', { exact: true }).selectOption('volume');
  await bobPage.getByLabel('Source', { exact: true }).fill('data');
  await bobPage.route('**/function/create-service', (route) => {
    const body = route.request().postDataJSON();
    body.mounts = [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }];
    return route.continue({ postData: JSON.stringify(body) });
  });
  await bobPage.getByTestId('service-form-submit').click();
  const denial = bobPage.getByTestId('error-details');
  await denial.waitFor({ timeout: T });
  assert.match((await denial.textContent()) ?? '', /security policy/);
  assert.ok((await denial.locator('li').count()) >= 2, 'each broken rule is listed');
  await shot(bobPage, 'policy-denial');
  await bobPage.unroute('**/function/create-service');
  await nav(bobPage, 'Services').click();
  await bobPage.getByTestId('create-service').waitFor({ timeout: T });

  await bobRow.locator('input[data-permission="services.write"]').uncheck();
  await bobPage.getByTestId('create-service').waitFor({ state: 'detached', timeout: T });

  // A session that ends mid-way (cookie gone) sends bob to login, keeping the page to come back to.
  await bobContext.clearCookies();
  await bobPage.getByRole('button', { name: 'Refresh' }).click();
  await bobPage.waitForURL(/\/login\?next=%2Fservices$/, { timeout: T });
  await bobContext.close();
});

e2e('should delete the service after confirmation', async () => {
  await admin.goto(`${server.url}/services/${encodeURIComponent(serviceId)}`);
  await admin.getByTestId('delete-service').click();
  const ok = admin.getByTestId('confirm-ok');
  assert.ok(await ok.isDisabled(), 'confirm stays disabled until the name is typed');
  await admin.getByTestId('confirm-input').fill(serviceName);
  await ok.click();
  await admin.waitForURL(/\/services$/, { timeout: T });
  await admin.locator(`tr[data-service="${serviceName}"]`).waitFor({ state: 'detached', timeout: T });
  const gone = await api('inspect-service', { id: serviceId });
  assert.is(gone.status, 404);
  serviceId = '';
});

e2e('should log out and need a login again', async () => {
  await admin.getByRole('link', { name: server.adminUsername }).click();
  await admin.getByTestId('account-username').waitFor();
  await shot(admin, 'account');
  await admin.getByTestId('logout').click();
  await admin.waitForURL(/\/login/, { timeout: T });
  await admin.goto(`${server.url}/services`);
  await admin.waitForURL(/\/login\?next=%2Fservices/, { timeout: T });
  const whoami = await admin.evaluate(() => fetch('/function/whoami', { method: 'POST', credentials: 'same-origin' }).then((r) => r.status));
  assert.is(whoami, 401);
});

e2e('should have raised no CSP violation or page error', () => {
  assert.equal(problems, []);
});

e2e.run();
