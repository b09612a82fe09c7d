/**
 * Starts local mode as a real child process (`node --import tsx local/main.ts`) on a free port, with a
 * temp DATA_DIR, against the real local engine. For end-to-end and browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalServer {
  url: string;
  port: number;
  dataDir: string;
  adminUsername: string;
  adminPassword: string;
  process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * POSTs a function's input to a running server (a LocalServer or a base URL), with the bearer token when given;
 * answers the status and the parsed JSON body (null when empty).
 */
export async function callFunction(server: { url: string } | string, name: string, token: string | undefined, body?: unknown) {
  const base = typeof server === 'string' ? server : server.url;
  const res = await fetch(`${base}/function/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

const root = fileURLToPath(new URL('..', import.meta.url));

export async function startLocalServer(options: { env?: Record<string, string>; dataDir?: string; port?: number; nodeArgs?: string[] } = {}): Promise<LocalServer> {
  const port = options.port ?? (await freePort());
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-mode-'));
  const adminPassword = options.env?.['ADMIN_PASSWORD'] ?? 'admin password for tests';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'local/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: adminPassword, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`local mode exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local mode did not answer /healthz within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dataDir,
    adminUsername: options.env?.['ADMIN_USERNAME'] ?? 'admin',
    adminPassword,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
