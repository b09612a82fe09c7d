/**
 * Local mode's HTTP app: every function at /function/<name>, /healthz, /openapi.json, and the SPA at /
 * with strict security headers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from '@hono/node-server/serve-static';
import { FUNCTIONS } from '../functions/index.ts';
import type { Deps } from '../lib/deps.ts';
import { AppError } from '../lib/errors.ts';
import { mountFunction } from '../lib/http/mount.ts';
import { handleError, notFound } from '../lib/http/errors.ts';
import { openApiDocument } from '../lib/openapi.ts';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

const API_HEADERS: ReadonlyArray<[string, string]> = [
  ['Cache-Control', 'no-store'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Referrer-Policy', 'no-referrer'],
];

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Swarm dashboard</title></head>
<body><h1>Swarm dashboard</h1><p>The API is up. Build the SPA with <code>npm run build:frontend</code>;
the API is described at <a href="/openapi.json">/openapi.json</a>.</p></body></html>`;

/** The host name of a `Host` header (lower case, without the port; IPv6 in brackets), or undefined when malformed. */
export function hostNameOf(host: string | undefined): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.\-_]+)(?::\d{1,5})?$/i.exec(host ?? '');
  return match ? match[1]!.toLowerCase() : undefined;
}

/**
 * Answers only requests naming one of `allowedHosts` in `Host`. NOTE: DNS rebinding: a page on evil.example
 * whose name is made to resolve to 127.0.0.1 reaches local mode as same-origin to the browser; its requests
 * still carry `Host: evil.example`, which is how they are told apart.
 */
export function assertAllowedHost(host: string | undefined, allowedHosts: readonly string[]): void {
  const name = hostNameOf(host);
  if (name === undefined || !allowedHosts.includes(name)) {
    throw new AppError('misdirected_request', 'This server does not answer for that host name; see ALLOWED_HOSTS');
  }
}

export function createLocalApp(deps: Deps, options: { frontendDir: string; version?: string; allowedHosts: readonly string[] }): Hono {
  const app = new Hono({ strict: false });
  app.onError(handleError);
  app.notFound(notFound);
  app.use('*', async (c, next) => {
    assertAllowedHost(c.req.header('host'), options.allowedHosts);
    await next();
  });
  const pageHeaders = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: 'same-origin',
  });
  // API answers are JSON, never rendered: a short fixed set of headers costs a third of what the page set does.
  app.use('*', async (c, next) => {
    if (!c.req.path.startsWith('/function/')) return pageHeaders(c, next);
    await next();
    for (const [name, value] of API_HEADERS) c.res.headers.set(name, value);
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  const openapi = openApiDocument(FUNCTIONS, options.version ?? '1');
  app.get('/openapi.json', (c) => c.json(openapi));
  for (const f of FUNCTIONS) app.route(`/function/${f.name}`, mountFunction(f, deps));

  const index = join(options.frontendDir, 'index.html');
  if (existsSync(index)) {
    app.use('/*', serveStatic({ root: options.frontendDir }));
    // SPA fallback: client-side routes get index.html; API paths keep their JSON 404.
    app.get('*', (c, next) => (c.req.path.startsWith('/function/') ? next() : serveStatic({ root: options.frontendDir, path: 'index.html' })(c, next)));
  } else {
    app.get('/', (c) => c.html(PLACEHOLDER));
  }
  return app;
}
