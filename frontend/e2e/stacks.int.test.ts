/**
 * Stacks in Chromium against local mode on the real local swarm: log in, paste a Compose file, see the dry-run
 * preview, deploy, watch the service converge to 1/1 on the Stacks page, then remove the stack.
 * Needs the SPA built (`npm run build:frontend`), the swarm and Chromium, as dashboard.int.test.ts does.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLocalServer, type LocalServer } from '../../testing/local-server.ts';
import { connectTestSwarm, sweepTestServices, TEST_IMAGE, TEST_LABEL } from '../../testing/swarm.ts';
import { launchChromium } from './browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SUITE = 'e2e-stack';
const stack = `${SUITE}-${randomBytes(3).toString('hex')}`;
const service = `${stack}_web`;
const T = 90_000;
const compose = `services:
  web:
    image: ${TEST_IMAGE}
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    deploy:
      replicas: 1
      labels:
        ${TEST_LABEL}: ${SUITE}
`;

// NOTE: set up at top level, not in before(): uvu swallows errors thrown by hooks.
if (!existsSync(join(root, 'frontend', 'dist', 'index.html'))) {
  throw new Error('frontend/dist is missing: run `npm run build:frontend` before the browser tests.');
}
const chromium = await launchChromium();
const server: LocalServer = await startLocalServer();
const swarm = await connectTestSwarm();
// Leftovers of killed runs: services this suite labelled, older than a few minutes.
await sweepTestServices(swarm, SUITE);
const problems: string[] = [];
let deployed = false;

const e2e = suite('stacks in Chromium');

e2e.after(async () => {
  try {
    if (deployed) {
      // The UI removal failed: remove it through the API so nothing is left.
      const login = await fetch(`${server.url}/function/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: server.adminUsername, password: server.adminPassword }),
      });
      const { token } = (await login.json()) as { token: string };
      await fetch(`${server.url}/function/remove-stack`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ name: stack }),
      });
    }
  } finally {
    await chromium.close();
    await server.stop();
  }
});

e2e('should deploy a pasted stack after its preview, watch it converge, and remove it', async () => {
  const context = await chromium.browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page: Page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${server.url}/stacks`);
  await page.waitForURL(/\/login/, { timeout: T });
  await page.getByLabel('Username').fill(server.adminUsername);
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/stacks$/, { timeout: T });

  await page.getByTestId('stack-name').fill(stack);
  await page.getByTestId('stack-compose').fill(compose);
  await page.getByTestId('preview-stack').click();
  const preview = page.getByTestId('stack-preview');
  await preview.waitFor({ timeout: T });
  assert.is(await preview.locator(`tr[data-service="${service}"]`).getAttribute('data-action'), 'created');
  assert.equal(await swarm.listServices().then((l) => l.filter((s) => s.name === service)), [], 'the preview changed nothing');

  const started = Date.now();
  await page.getByTestId('deploy-stack').click();
  deployed = true;
  const rollout = page.getByTestId('stack-rollout');
  await rollout.waitFor({ timeout: T });
  const row = rollout.locator(`tr[data-service="${service}"][data-converged="true"]`);
  await row.waitFor({ timeout: T });
  assert.is(await row.getByTestId('replicas').textContent().then((t) => t?.split(' ')[0]), '1/1');
  assert.is(await rollout.getAttribute('data-converged'), 'true');
  console.log(`stack ${stack} converged in the UI ${Date.now() - started} ms after Deploy`);
  const group = page.getByTestId('stacks-table').locator(`tbody[data-stack="${stack}"]`);
  await group.locator(`tr[data-service="${service}"]`).waitFor({ timeout: T });
  assert.is(await group.getByTestId('stack-replicas').textContent().then((t) => t?.trim()), '1/1');

  await group.getByTestId('remove-stack').click();
  await page.getByTestId('confirm-input').fill(stack);
  await page.getByTestId('confirm-ok').click();
  await group.waitFor({ state: 'detached', timeout: T });
  deployed = false;
  const left = (await swarm.listServices()).filter((s) => s.name === service);
  assert.equal(left, [], 'the stack is gone from the swarm');
  assert.equal(problems, []);
  await context.close();
});

e2e.run();
