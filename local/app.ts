/**
 * Local mode's HTTP app: every function at /function/<name>, /healthz, /openapi.json, and the SPA at /
 * with strict security headers. Hashed assets under /assets/ are cached for a year; index.html is revalidated;
 * API answers are never stored. A missing file is a 404, never the SPA page: only extension-less client routes
 * get index.html. HSTS is sent only over HTTPS, where browsers honour it (RFC 6797 §7.2).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from '@hono/node-server/serve-static';
import { FUNCTIONS } from '../functions/index.ts';
import type { Deps } from '../lib/deps.ts';
import { AppError } from '../lib/errors.ts';
import { mountFunction } from '../lib/http/mount.ts';
import { handleError, notFound } from '../lib/http/errors.ts';
import { isHttps } from '../lib/http/session.ts';
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

const HSTS = 'max-age=15552000; includeSubDomains';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A client-side route (`/services/web`), as opposed to a file (`/assets/app.js`, `/favicon.ico`). */
const isClientRoute = (path: string): boolean => !path.startsWith('/assets/') && !/\.[^/]*$/.test(path);

/** `serve`, with `Cache-Control` on the files it found (serveStatic's onFound runs after the body is built). */
const cached = (cacheControl: string, serve: MiddlewareHandler): MiddlewareHandler => async (c, next) => {
  const res = await serve(c, next);
  if (res instanceof Response) res.headers.set('Cache-Control', cacheControl);
  return res;
};

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
    strictTransportSecurity: false,
  });
  // API answers are JSON, never rendered: a short fixed set of headers costs a third of what the page set does.
  app.use('*', async (c, next) => {
    if (!c.req.path.startsWith('/function/')) {
      await pageHeaders(c, next);
    } else {
      await next();
      for (const [name, value] of API_HEADERS) c.res.headers.set(name, value);
    }
    if (isHttps(c.req.raw.headers, c.req.url, deps.http)) c.res.headers.set('Strict-Transport-Security', HSTS);
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  const openapi = openApiDocument(FUNCTIONS, options.version ?? '1');
  app.get('/openapi.json', (c) => c.json(openapi));
  for (const f of FUNCTIONS) app.route(`/function/${f.name}`, mountFunction(f, deps));

  const index = join(options.frontendDir, 'index.html');
  if (existsSync(index)) {
    // NOTE: Vite names every file under /assets/ by its content hash, so a cached copy never goes stale.
    app.use('/assets/*', cached(IMMUTABLE, serveStatic({ root: options.frontendDir })));
    app.use('/*', cached('no-cache', serveStatic({ root: options.frontendDir })));
    // SPA fallback: client-side routes get index.html; files that are missing and API paths keep their 404.
    const page = cached('no-cache', serveStatic({ root: options.frontendDir, path: 'index.html' }));
    app.get('*', (c, next) => (c.req.path.startsWith('/function/') || !isClientRoute(c.req.path) ? next() : page(c, next)));
  } else {
    app.get('/', (c) => c.html(PLACEHOLDER));
  }
  return app;
}
