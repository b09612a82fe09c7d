/**
 * npm run build:functions — one esbuild bundle per contract function, in build/functions/<name>/
 * (index.mjs plus lazily loaded chunks, and the native modules it may load beside it in node_modules/).
 * Prints each bundle's size and the cold start to the first answered request.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { FUNCTIONS } from '../functions/index.ts';
import { freePort } from '../testing/local-server.ts';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'build/functions');
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
// Native or optional modules: loaded at run time from node_modules/ beside the bundle.
const NATIVE = ['@node-rs/argon2', 'better-sqlite3'];
const EXTERNAL = [...NATIVE, 'kerberos', 'snappy', '@mongodb-js/zstd', 'mongodb-client-encryption', 'gcp-metadata', 'socks', 'aws4', '@aws-sdk/credential-providers', 'lz4', 'bufferutil', 'utf-8-validate'];

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => {
    const p = join(dir, f);
    return sum + (statSync(p).isDirectory() ? dirSize(p) : statSync(p).size);
  }, 0);
}

// Install-time dependencies of the native modules: never loaded at run time.
const INSTALL_ONLY = new Set(['prebuild-install']);
// What a package needs at run time, by path inside the package ('' is the package folder itself). better-sqlite3
// ships 19 MB of build leftovers (sqlite3.c, objects, a static library); it loads only lib/ and the addon.
const RUNTIME_FILES: Record<string, (path: string) => boolean> = {
  'better-sqlite3': (path) => /^(|\/package\.json|\/lib(\/.*)?|\/build|\/build\/Release|\/build\/Release\/better_sqlite3\.node)$/.test(path),
};

/** Copies a package and its runtime dependencies into node_modules/ of the function. */
function copyPackage(name: string, into: string, seen = new Set<string>()): void {
  if (INSTALL_ONLY.has(name)) return;
  if (seen.has(name)) return;
  seen.add(name);
  const from = join(root, 'node_modules', name);
  let pkg: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  } catch {
    return; // an optional dependency for another platform
  }
  const keep = RUNTIME_FILES[name] ?? ((path: string) => !/\/(test|tests|docs|src|deps)\//.test(path) || path.endsWith('.node'));
  cpSync(from, join(into, 'node_modules', name), { recursive: true, dereference: true, filter: (src) => keep(src.slice(from.length)) });
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) copyPackage(dep, into, seen);
}

// docker-modem requires ssh2 at load time, only for ssh:// Docker hosts, which the dashboard does not use. A stub keeps
// ssh2 (and its optional native cpu-features) out of every function.
const noSsh: Plugin = {
  name: 'no-ssh2',
  setup(b) {
    b.onResolve({ filter: /^ssh2$/ }, () => ({ path: 'ssh2', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/**
 * Starts a copy of the function outside the repository (so nothing resolves from the repo's node_modules, as in
 * the image) and times the first answered request.
 */
async function coldStart(built: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fn-cold-start-'));
  cpSync(built, dir, { recursive: true });
  try {
    return await timeFirstAnswer(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeFirstAnswer(dir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(dir, 'index.mjs')], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(root, '.cache/build-functions-data'), LOCK_FILE: join(dir, '.lock') }, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) return NaN;
      try {
        await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' });
        return performance.now() - started;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
      if (performance.now() - started > 20_000) return NaN;
    }
  } finally {
    child.kill();
  }
}

rmSync(out, { recursive: true, force: true });
const only = process.argv.slice(2);
const rows: string[] = [];
for (const f of FUNCTIONS.filter((f) => only.length === 0 || only.includes(f.name))) {
  const dir = join(out, f.name);
  mkdirSync(dir, { recursive: true });
  await build({
    stdin: {
      contents: `import { ${camel(f.name)} } from './functions/${f.name}/function.ts';\nimport { serveFunction } from './lib/openfaas/serve-function.ts';\nserveFunction(${camel(f.name)});\n`,
      resolveDir: root,
      sourcefile: `${f.name}.entry.ts`,
      loader: 'ts',
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: dir,
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    external: EXTERNAL,
    plugins: [noSsh],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minify: true,
    // Libraries read constructor names at run time (cassandra-driver names its errors so).
    keepNames: true,
    legalComments: 'linked',
    logLevel: 'error',
  });
  const bundleBytes = dirSize(dir);
  for (const name of NATIVE) copyPackage(name, dir);
  const ms = await coldStart(dir);
  rows.push(`${f.name.padEnd(20)} ${(bundleBytes / 1024).toFixed(0).padStart(6)} KB bundle  ${(dirSize(dir) / 1024 / 1024).toFixed(1).padStart(5)} MB with native modules  cold start ${Number.isNaN(ms) ? 'FAILED' : ms.toFixed(0) + ' ms'}`);
  console.log(rows.at(-1));
}
rmSync(join(root, '.cache/build-functions-data'), { recursive: true, force: true });
