/**
 * Load through the gateway for the OpenFaaS tests and the benchmark: a few clients in a loop, alternating GET
 * and POST with a JSON body, counting every answer; and each replica's share of the traffic, read from the bytes
 * its container sent (the engine's stats), so the functions need no header naming their replica.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadResult {
  total: number;
  /** Answers other than 2xx, plus requests that got no answer. */
  failed: number;
  statuses: Record<string, number>;
  errors: string[];
  /** Milliseconds per request, in the order they finished. */
  latencies: number[];
  elapsedMs: number;
}

export interface LoadOptions {
  url: string;
  token?: string;
  clients: number;
  /** Stop once this many requests are done and `until` (if given) holds. */
  minRequests: number;
  until?: () => boolean;
  /** GET only (the benchmark); default alternates GET and POST with a body. */
  getOnly?: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { total: 0, failed: 0, statuses: {}, errors: [], latencies: [], elapsedMs: 0 };
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const done = () => result.total >= options.minRequests && (options.until?.() ?? true);
  const started = performance.now();
  const client = async (n: number) => {
    for (let i = n; !done(); i++) {
      const post = !options.getOnly && i % 2 === 1;
      const t = performance.now();
      try {
        // A request the path never answers counts as failed instead of hanging the load.
        const signal = AbortSignal.timeout(15_000);
        const res = await fetch(options.url, post
          ? { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({}), signal }
          : { headers, signal });
        await res.arrayBuffer();
        const key = `${post ? 'POST' : 'GET'} ${res.status}`;
        result.statuses[key] = (result.statuses[key] ?? 0) + 1;
        if (res.status < 200 || res.status > 299) result.failed++;
      } catch (e) {
        result.failed++;
        if (result.errors.length < 20) result.errors.push(String((e as Error).cause ?? e));
      }
      result.latencies.push(performance.now() - t);
      result.total++;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, n) => client(n)));
  result.elapsedMs = performance.now() - started;
  return result;
}

/** Bytes each container has sent on all its networks, from the engine's stats (one-shot). */
export async function replicaTxBytes(containers: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(containers.map(async (id) => {
    const { stdout } = await run('curl', ['-fsS', '--unix-socket', '/var/run/docker.sock', `http://docker/containers/${id}/stats?stream=false&one-shot=true`]);
    const stats = JSON.parse(stdout) as { networks?: Record<string, { tx_bytes: number }> };
    out.set(id, Object.values(stats.networks ?? {}).reduce((sum, n) => sum + n.tx_bytes, 0));
  }));
  return out;
}

/** Each value's share of the sum. */
export function spread(values: number[]): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => (sum > 0 ? v / sum : 0));
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
