/**
 * `npm run bench:ui`: the SPA's performance in Debian's Chromium.
 *  1. initial JavaScript, gzip (the entry script and its modulepreloads in dist/index.html);
 *  2. services page with 1,000 services: first render, and filter keystrokes (target ≤ 200 ms each);
 *  3. events page holding 10,000 events: scrolling without long tasks over 50 ms (PerformanceObserver).
 * The built SPA is served from frontend/dist by a small loopback server with local mode's security headers;
 * API answers are synthetic (page.route) and the same server plays the relay on /events with synthetic events,
 * so no backend is needed.
 * Options: --no-build (reuse frontend/dist), --json (print only the JSON figures).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { launchChromium } from '../../frontend/e2e/browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'frontend', 'dist');
const args = new Set(process.argv.slice(2));
const log = (...m: unknown[]) => {
  if (!args.has('--json')) console.log(...m);
};

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves frontend/dist like local mode: security headers, SPA fallback to index.html. */
export const serveDist = async () => {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(readFileSync(file));
  });
  // NOTE: a real WebSocket like the relay's (not a mocked one, whose per-message round trips through the
  // test driver would dominate): the stored events oldest first, then `live`.
  const wss = new WebSocketServer({ server, path: '/events' });
  let events: unknown[] = [];
  wss.on('connection', (socket) => {
    for (const event of events) socket.send(JSON.stringify({ type: 'event', event }));
    socket.send(JSON.stringify({ type: 'live' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setEvents: (list: unknown[]) => {
      events = list;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
      }),
  };
};

/** The entry script, its modulepreloads and the stylesheet, as index.html loads them. */
export const initialAssets = () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const js = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+\.css)"/g)].map((m) => m[1]!);
  const size = (files: string[]) =>
    files.reduce(
      (acc, f) => {
        const bytes = readFileSync(join(dist, f));
        return { raw: acc.raw + bytes.length, gzip: acc.gzip + gzipSync(bytes, { level: 9 }).length };
      },
      { raw: 0, gzip: 0 },
    );
  return { js, css, jsSize: size(js), cssSize: size(css) };
};

const PERMISSIONS = ['users.read', 'users.write', 'services.read', 'services.write', 'services.privileged', 'nodes.read', 'nodes.write', 'events.read'];

const syntheticServices = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const desired = (i % 5) + 1;
    return {
      id: `svc${String(i).padStart(6, '0')}${'x'.repeat(16)}`,
      name: `svc-${String(i).padStart(4, '0')}`,
      image: `local/app-${i % 37}:${(i % 9) + 1}`,
      mode: i % 11 === 0 ? 'global' : 'replicated',
      replicas: { desired, running: i % 13 === 0 ? desired - 1 : desired },
      ports: i % 3 === 0 ? [{ published: 10_000 + i, target: 80, protocol: 'tcp', mode: 'ingress' }] : [],
      labels: { team: `team-${i % 7}` },
      createdAt: new Date(Date.now() - 86_400_000 * (i % 30)).toISOString(),
      updatedAt: new Date(Date.now() - 60_000 * i).toISOString(),
      version: i + 10,
      ...(i % 13 === 0 ? { updateStatus: { state: 'updating', message: 'update in progress' } } : {}),
    };
  });

export const syntheticEvents = (n: number) => {
  const start = Date.now() - 50 * 60_000;
  const actions = ['create', 'start', 'die', 'update', 'remove'];
  return Array.from({ length: n }, (_, i) => {
    const ms = start + Math.floor((i * 50 * 60_000) / n);
    const audit = i % 50 === 0;
    return {
      id: `ev${i}`,
      time: new Date(ms).toISOString(),
      timeNano: `${ms}${String(i % 1_000_000).padStart(6, '0')}`,
      type: audit ? 'audit' : i % 3 === 0 ? 'service' : 'container',
      action: audit ? 'service.scale' : actions[i % actions.length]!,
      actor: audit
        ? { id: 'admin', attributes: { username: 'admin', target: `service:svc-${i % 1000}`, result: 'success' } }
        : { id: `c${i}`, attributes: { name: `svc-${String(i % 1000).padStart(4, '0')}.1`, 'com.docker.swarm.service.name': `svc-${String(i % 1000).padStart(4, '0')}`, 'com.docker.swarm.node.id': `node${i % 3}` } },
      scope: audit ? 'audit' : 'swarm',
    };
  });
};

/** Answers every /function/<name> with synthetic data. */
export const fakeBackend = async (page: Page, services: unknown[], events: unknown[]) => {
  await page.route('**/function/**', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    const json = (body: unknown, status = 200) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    switch (name) {
      case 'whoami':
        return json({ username: 'admin', permissions: PERMISSIONS });
      case 'list-services':
        return json({ services });
      case 'list-events':
        return json({ events: [] });
      default:
        return json({ error: { code: 'not_found', message: `bench: no ${name}` } }, 404);
    }
  });
  void events;
};

const nextFrame = `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`;

const measureServices = async (page: Page, base: string, count: number) => {
  // NOTE: t0 is when the list-services answer reaches the page; t1 is the frame after the rows are in the DOM.
  await page.addInitScript(`(() => {
    const original = window.fetch;
    window.__bench = {};
    window.fetch = async (...a) => {
      const res = await original(...a);
      if (String(a[0]).endsWith('/function/list-services')) {
        window.__bench.t0 = performance.now();
        const observer = new MutationObserver(() => {
          const rows = document.querySelectorAll('table.services tbody tr[data-service]').length;
          const shown = document.querySelector('[data-testid="service-count"]')?.textContent ?? '';
          if (rows > 0 && shown.startsWith('${count} of ${count}') && !window.__bench.t1) {
            observer.disconnect();
            requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.t1 = performance.now(); }));
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      }
      return res;
    };
  })()`);
  const navStart = Date.now();
  await page.goto(`${base}/services`);
  await page.waitForFunction(() => (window as unknown as { __bench: { t1?: number } }).__bench.t1 !== undefined, null, { timeout: 30_000 });
  const navigationToRows = Date.now() - navStart;
  const { t0, t1 } = await page.evaluate(() => (window as unknown as { __bench: { t0: number; t1: number } }).__bench);
  const keystrokes: { value: string; rows: number; ms: number }[] = [];
  for (const value of ['s', 'sv', 'svc-01', 'svc-0', '']) {
    const result = (await page.evaluate(`(async () => {
      const input = document.querySelector('#svc-search');
      const t = performance.now();
      input.value = ${JSON.stringify(value)};
      input.dispatchEvent(new InputEvent('input', { bubbles: true, data: ${JSON.stringify(value.slice(-1))} }));
      await ${nextFrame};
      return { ms: performance.now() - t, rows: Number(document.querySelector('[data-testid="service-count"]').textContent.split(' ')[0]) };
    })()`)) as { ms: number; rows: number };
    keystrokes.push({ value, ...result });
  }
  // the same through real key presses (input events from the browser), timed from keydown to the next frame
  await page.focus('#svc-search');
  const typed: number[] = [];
  for (const key of ['9', 'Backspace']) {
    await page.evaluate(`window.__key = new Promise((resolve) => document.querySelector('#svc-search').addEventListener('keydown', () => { const t = performance.now(); requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t))); }, { once: true })); 0`);
    await page.keyboard.press(key);
    typed.push((await page.evaluate('window.__key')) as number);
  }
  return { firstRenderMs: t1 - t0, navigationToRowsMs: navigationToRows, keystrokes, typedKeyMs: typed };
};

export const measureEvents = async (page: Page, base: string, count: number) => {
  await page.addInitScript(`(() => {
    window.__long = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  })()`);
  await page.goto(`${base}/events`);
  const loadStart = Date.now();
  await page.waitForFunction((n) => document.querySelector('[data-testid="event-count"]')?.textContent?.includes(`of ${n} events`), count, { timeout: 60_000 });
  const ingestMs = Date.now() - loadStart;
  const rendered = await page.evaluate(() => document.querySelectorAll('.events-vlist [role="listitem"]').length);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () =>
    Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  const m0 = await metrics();
  const scrollFrom = (await page.evaluate('performance.now()')) as number;
  const box = await page.locator('.events-vlist').boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
  // NOTE: a mouse-wheel notch scrolls 100 px in Chromium; then faster flings of 1,000 px.
  for (let i = 0; i < 100; i++) {
    await page.mouse.wheel(0, 100);
    await page.waitForTimeout(16);
  }
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(0, 1000);
    await page.waitForTimeout(16);
  }
  const wheelTo = (await page.evaluate('performance.now()')) as number;
  // jumps, as with the scrollbar or End/Home keys
  for (const top of [150_000, 290_000, 10_000, 1e9, 0]) {
    await page.evaluate((t) => {
      document.querySelector('.events-vlist')!.scrollTop = t;
    }, top);
    await page.evaluate(nextFrame);
  }
  await page.waitForTimeout(200);
  const scrollTo = (await page.evaluate('performance.now()')) as number;
  const m1 = await metrics();
  // NOTE: main-thread busy time while scrolling (CDP Performance metrics, seconds → ms), per scroll step.
  const steps = 125;
  const busy = (name: string) => Math.round(((m1[name]! - m0[name]!) * 1000 * 10) / steps) / 10;
  const long = (await page.evaluate('window.__long')) as { start: number; duration: number }[];
  const during = long.filter((l) => l.start >= scrollFrom && l.start <= scrollTo);
  const wheel = during.filter((l) => l.start <= wheelTo);
  const before = long.filter((l) => l.start < scrollFrom);
  return {
    ingestMs,
    renderedRows: rendered,
    scrollLongTasks: during.length,
    wheelLongTasks: wheel.length,
    wheelLongestMs: Math.round(Math.max(0, ...wheel.map((l) => l.duration))),
    jumpLongTasks: during.length - wheel.length,
    scrollLongestMs: Math.max(0, ...during.map((l) => l.duration)),
    ingestLongTasks: before.length,
    ingestLongestMs: Math.max(0, ...before.map((l) => l.duration)),
    perStepMs: { task: busy('TaskDuration'), script: busy('ScriptDuration'), layout: busy('LayoutDuration'), style: busy('RecalcStyleDuration') },
  };
};

const main = async () => {
  if (!args.has('--no-build') || !existsSync(join(dist, 'index.html'))) {
    log('building the SPA (vite build frontend)…');
    execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'frontend', '--logLevel', 'warn'], { cwd: root, stdio: args.has('--json') ? 'ignore' : 'inherit' });
  }
  const assets = initialAssets();
  const server = await serveDist();
  const chromium = await launchChromium();
  const violations: string[] = [];
  try {
    const newPage = async () => {
      const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
      return page;
    };
    const servicesPage = await newPage();
    await fakeBackend(servicesPage, syntheticServices(1000), []);
    const services = await measureServices(servicesPage, server.url, 1000);
    await servicesPage.context().close();

    const eventsPage = await newPage();
    server.setEvents(syntheticEvents(10_000));
    await fakeBackend(eventsPage, [], []);
    const events = await measureEvents(eventsPage, server.url, 10_000);
    await eventsPage.context().close();

    const version = chromium.browser.version();
    const figures = {
      chromium: version,
      loadAverage: loadavg(),
      initialJs: { files: assets.js.length, rawBytes: assets.jsSize.raw, gzipBytes: assets.jsSize.gzip, target: 60 * 1024 },
      initialCss: { rawBytes: assets.cssSize.raw, gzipBytes: assets.cssSize.gzip },
      services1000: {
        firstRenderMs: Math.round(services.firstRenderMs),
        navigationToRowsMs: services.navigationToRowsMs,
        keystrokeMs: services.keystrokes.map((k) => ({ value: k.value, rows: k.rows, ms: Math.round(k.ms) })),
        typedKeyMs: services.typedKeyMs.map(Math.round),
        target: 200,
      },
      events10000: { ...events, ingestLongestMs: Math.round(events.ingestLongestMs), scrollLongestMs: Math.round(events.scrollLongestMs), target: 50 },
      cspViolations: violations,
    };
    const maxKey = Math.max(...figures.services1000.keystrokeMs.map((k) => k.ms), ...figures.services1000.typedKeyMs);
    const pass =
      figures.initialJs.gzipBytes <= figures.initialJs.target &&
      figures.services1000.firstRenderMs <= 200 &&
      maxKey <= 200 &&
      events.scrollLongestMs <= 50 &&
      violations.length === 0;
    if (args.has('--json')) console.log(JSON.stringify(figures, null, 2));
    else {
      log(`\nChromium ${version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      log(`initial JS: ${assets.js.length} files, ${(assets.jsSize.raw / 1024).toFixed(1)} KB raw, ${(assets.jsSize.gzip / 1024).toFixed(1)} KB gzip (target ≤ 60 KB); CSS ${(assets.cssSize.gzip / 1024).toFixed(1)} KB gzip`);
      log(`services, 1,000: first render ${figures.services1000.firstRenderMs} ms (navigation to rows ${services.navigationToRowsMs} ms)`);
      for (const k of figures.services1000.keystrokeMs) log(`  filter "${k.value}" → ${k.rows} rows: ${k.ms} ms`);
      log(`  typed keys (keydown → next frame): ${figures.services1000.typedKeyMs.join(' ms, ')} ms`);
      log(`events, 10,000: ingested in ${events.ingestMs} ms (${events.ingestLongTasks} long tasks, longest ${figures.events10000.ingestLongestMs} ms); ${events.renderedRows} rows in the DOM`);
      log(`  scrolling: ${events.scrollLongTasks} long tasks, longest ${figures.events10000.scrollLongestMs} ms (target: none over 50 ms); 120 wheel steps: ${events.wheelLongTasks} (longest ${events.wheelLongestMs} ms), 5 jumps: ${events.jumpLongTasks}`);
      log(`  main thread per scroll step: ${events.perStepMs.task} ms busy (script ${events.perStepMs.script}, layout ${events.perStepMs.layout}, style ${events.perStepMs.style})`);
      log(`CSP violations: ${violations.length}${violations.length ? `\n  ${violations.join('\n  ')}` : ''}`);
      log(pass ? '\nPASS' : '\nFAIL');
    }
    process.exitCode = pass ? 0 : 1;
  } finally {
    await chromium.close();
    await server.close();
  }
};

if (!process.env.BENCH_UI_NO_MAIN) await main();
