/**
 * Debian's Chromium through playwright-core, for the browser tests and `npm run bench:ui`. Never downloads a
 * browser: CHROMIUM_PATH or /usr/bin/chromium must exist (`apt-get install -y chromium`).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = (): string => {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH (never a downloaded browser).`,
    );
  }
  return path;
};

/**
 * Launches a headless Chromium. NOTE: playwright refuses `--user-data-dir` in `args` for `launch()`; it gives
 * every launch a fresh temporary profile itself, and each `newContext()` is isolated (own cookies).
 */
export const launchChromium = async (): Promise<{ browser: Browser; close(): Promise<void> }> => {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
};
