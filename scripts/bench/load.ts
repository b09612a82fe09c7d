/**
 * A small closed-loop load generator for the benchmarks: N workers each run a scenario in a loop and
 * record per-operation latencies. Loopback only.
 */
import { Agent, request } from 'undici';

export interface OpStats {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export class Recorder {
  private readonly samples = new Map<string, number[]>();
  private readonly errors = new Map<string, number>();
  readonly errorExamples: string[] = [];

  record(op: string, ms: number, ok: boolean, detail?: string): void {
    let list = this.samples.get(op);
    if (!list) this.samples.set(op, (list = []));
    list.push(ms);
    if (!ok) {
      this.errors.set(op, (this.errors.get(op) ?? 0) + 1);
      if (this.errorExamples.length < 5 && detail) this.errorExamples.push(`${op}: ${detail}`);
    }
  }

  stats(): Record<string, OpStats> {
    const out: Record<string, OpStats> = {};
    const all: number[] = [];
    let errors = 0;
    for (const [op, list] of this.samples) {
      all.push(...list);
      errors += this.errors.get(op) ?? 0;
      out[op] = summarize(list, this.errors.get(op) ?? 0);
    }
    out['all'] = summarize(all, errors);
    return out;
  }
}

export function summarize(list: number[], errors = 0): OpStats {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, errors, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean };
}

export function printTable(title: string, stats: Record<string, OpStats>): void {
  console.log(`\n${title}`);
  console.log('operation            count  errors   p50 ms   p95 ms   p99 ms  mean ms');
  for (const [op, s] of Object.entries(stats)) {
    console.log(`${op.padEnd(18)} ${String(s.count).padStart(7)} ${String(s.errors).padStart(7)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)} ${s.mean.toFixed(2).padStart(8)}`);
  }
}

export interface Client {
  call(op: string, path: string, body: unknown, headers?: Record<string, string>, method?: 'GET' | 'POST'): Promise<{ status: number; json: any; setCookie: string[] }>;
}

/** A keep-alive client for one origin, recording every call into `recorder`. */
export function createClient(origin: string, recorder: Recorder, connections = 128): Client & { close(): Promise<void> } {
  const dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1 });
  return {
    async call(op, path, body, headers = {}, method = 'POST') {
      const started = performance.now();
      try {
        const res = await request(`${origin}${path}`, {
          method,
          dispatcher,
          headers: { 'content-type': 'application/json', ...headers },
          ...(method === 'POST' ? { body: body === undefined ? '' : JSON.stringify(body) } : {}),
        });
        const text = await res.body.text();
        const ms = performance.now() - started;
        const ok = res.statusCode < 400;
        recorder.record(op, ms, ok, ok ? undefined : `${res.statusCode} ${text.slice(0, 200)}`);
        const cookies = res.headers['set-cookie'];
        return { status: res.statusCode, json: text ? JSON.parse(text) : null, setCookie: cookies === undefined ? [] : ([] as string[]).concat(cookies) };
      } catch (e) {
        recorder.record(op, performance.now() - started, false, String(e));
        return { status: 0, json: null, setCookie: [] };
      }
    },
    close: () => dispatcher.close(),
  };
}

/** Runs `workers` loops of `iteration(worker, i)` for `iterations` each, or until `durationMs` passes. */
export async function runWorkers(workers: number, body: (worker: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, w) => body(w)));
  return performance.now() - started;
}
