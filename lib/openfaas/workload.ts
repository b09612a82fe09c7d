/**
 * The OpenFaaS workload contract, served by the function process itself (no watchdog in front of it):
 * - HTTP on 0.0.0.0:8080 (settable), `/_/health` and `/_/ready` answered here;
 * - the lock file the image's HEALTHCHECK tests (`/tmp/.lock`) exists only while the process can answer;
 * - over `max_inflight` concurrent requests, 429 `rate_limited` with Retry-After; over `exec_timeout`, 504
 *   `timeout` (`withExecTimeout`), both in the contract's error shape;
 * - on SIGTERM (`drain`): not ready at once (health 503, lock removed), every answer closes its connection, the
 *   listener stays open for `healthcheck_interval` (callers still holding the old address get answered), then
 *   closes; in-flight requests finish within `write_timeout`.
 *
 * Why the drain keeps idle keep-alive connections open: closing one races with a caller that is just sending a
 * request on it, and a caller may resend only idempotent requests, so a POST would be lost. The provider's
 * connection pool forgets idle connections after 1 s, well before `healthcheck_interval` ends.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WorkloadSettings {
  host: string;
  port: number;
  /** 0: no limit. */
  maxInflight: number;
  /** After SIGTERM: how long the listener stays open, answering with `Connection: close`. */
  healthcheckIntervalMs: number;
  /** After the listener closed: how long in-flight requests may take before their connections are cut. */
  writeTimeoutMs: number;
  /** The HEALTHCHECK's file; undefined: none (tests). */
  lockFile: string | undefined;
}

export interface Workload {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  /** Marks the process able to answer: writes the lock file, `/_/ready` answers 200. */
  ready(): void;
  /** Stops taking requests and drains (see the module comment). Resolves when every connection is closed. */
  drain(): Promise<void>;
  /** Requests being answered now. */
  inflight(): number;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
};

export async function startWorkload(listener: RequestListener, settings: WorkloadSettings): Promise<Workload> {
  let isReady = false;
  let draining = false;
  let inflight = 0;
  let onIdle: (() => void) | undefined;

  const probe = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = req.url?.split('?')[0];
    if (path !== '/_/health' && path !== '/_/ready') return false;
    const ok = isReady && !draining;
    if (path === '/_/ready' && ok && settings.maxInflight > 0 && inflight >= settings.maxInflight) {
      res.writeHead(429, { 'content-type': 'text/plain' }).end('busy');
    } else {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'OK' : 'not ready');
    }
    return true;
  };

  const server = createServer((req, res) => {
    // NOTE: while draining, every answer (probes included) tells the caller not to reuse the connection.
    if (draining) res.setHeader('connection', 'close');
    if (probe(req, res)) return;
    if (settings.maxInflight > 0 && inflight >= settings.maxInflight) {
      json(res, 429, { error: { code: 'rate_limited', message: `More than ${settings.maxInflight} requests at once; retry shortly` } }, { 'retry-after': '1' });
      return;
    }
    inflight++;
    res.once('close', () => {
      inflight--;
      if (inflight === 0) onIdle?.();
    });
    listener(req, res);
  });
  // Longer than any caller's idle timeout (the provider's is 1 s), so that the caller, not this server, ends an
  // idle connection: a request sent just as the server closes it would be lost.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let drained: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    inflight: () => inflight,
    ready() {
      isReady = true;
      if (settings.lockFile) writeFileSync(settings.lockFile, `${process.pid}\n`);
    },
    drain() {
      drained ??= (async () => {
        draining = true;
        if (settings.lockFile) rmSync(settings.lockFile, { force: true });
        await new Promise((r) => setTimeout(r, settings.healthcheckIntervalMs));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        if (inflight > 0) {
          await Promise.race([
            new Promise<void>((resolve) => (onIdle = resolve)),
            new Promise((r) => setTimeout(r, settings.writeTimeoutMs).unref()),
          ]);
        }
        server.closeAllConnections();
        await closed;
      })();
      return drained;
    },
  };
}

/**
 * Answers 504 `timeout` in the contract's error shape when `fetch` has not answered within `ms` (0: never).
 * The handler keeps running to its end; its late answer is dropped.
 */
export function withExecTimeout<A extends unknown[]>(fetch: (request: Request, ...rest: A) => Response | Promise<Response>, ms: number) {
  if (ms <= 0) return fetch;
  return (request: Request, ...rest: A): Promise<Response> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Response>((resolve) => {
      timer = setTimeout(
        () => resolve(Response.json({ error: { code: 'timeout', message: `No answer within ${ms / 1000} s` } }, { status: 504 })),
        ms,
      );
    });
    return Promise.race([Promise.resolve(fetch(request, ...rest)), late]).finally(() => clearTimeout(timer));
  };
}
