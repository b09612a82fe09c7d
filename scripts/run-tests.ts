/**
 * Runs test files, each in its own process (uvu suites call process.exit on failure), and ends with
 * the plain closing line "N passed, N failed".
 * Usage: run-tests.ts [--unit | --int | --all] [--jobs N] [paths or folders…]
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const kind = args.includes('--int') ? 'int' : args.includes('--all') ? 'all' : 'unit';
const jobsAt = args.indexOf('--jobs');
const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : 2;
const roots = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--jobs');
const FILE_TIMEOUT_S = Number(process.env['TEST_FILE_TIMEOUT_S'] ?? 600);
const KILL_GRACE_S = 150;
// uvu 0.5 prints nothing when a `before` or `after` hook throws: the suite shows "(0 / N)" and the totals differ.
const HOOK_HINT = 'tests did not run and none failed: a before or after hook threw, which uvu does not print (wrap it in reported() from testing/hooks.ts)';
const SKIP = new Set(['node_modules', '.cache', '.git', 'dist', 'build', 'data']);

function find(path: string, out: string[]): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return (out.push(path), out);
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry)) continue;
    const child = join(path, entry);
    if (statSync(child).isDirectory()) find(child, out);
    else if (/\.test\.tsx?$/.test(entry)) {
      const isInt = /\.int\.test\.tsx?$/.test(entry);
      if (kind === 'all' || (kind === 'int') === isInt) out.push(child);
    }
  }
  return out;
}

const files = (roots.length ? roots : ['lib', 'functions', 'local', 'relay', 'workers', 'frontend/src', 'frontend/e2e', 'scripts', 'gateway-config', 'testing']).flatMap((r) => find(r, [])).sort();
let passed = 0;
const failed: string[] = [];

async function runFile(file: string): Promise<void> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let output = '';
  // uvu prints its summary when every suite is done but does not exit while a handle stays open
  // (a driver's socket, a timer): give it a moment after the summary, then end it.
  let summarized = false;
  let lingering: NodeJS.Timeout | undefined;
  const onData = (d: Buffer) => {
    output += d;
    if (!lingering && /Duration:\s/.test(output)) {
      summarized = true;
      lingering = setTimeout(() => child.kill('SIGKILL'), 15_000);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // A hung file must not hang the run: it fails after its time is up. SIGTERM first, so a file that put
  // services on the swarm removes them (the next files share the engine), then SIGKILL.
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    output += `\n(stopped after ${FILE_TIMEOUT_S} s)\n`;
    child.kill('SIGTERM');
    killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_S * 1000);
  }, FILE_TIMEOUT_S * 1000);
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? (summarized ? 0 : 1))));
  clearTimeout(timer);
  clearTimeout(killer);
  clearTimeout(lingering);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const totals = /Total:\s+(\d+)\s+Passed:\s+(\d+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
  const ok = code === 0 && totals !== null && totals[1] === totals[2] && Number(totals[1]) > 0;
  if (ok) passed++;
  else failed.push(file);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${relative('.', file)} (${totals ? `${totals[2]}/${totals[1]} tests, ` : ''}${seconds}s)`);
  if (!ok) console.log(output.split('\n').map((l) => '    ' + l).join('\n'));
  if (!ok && totals && totals[1] !== totals[2] && !/\bFAIL\b/.test(output)) console.log(`    ${HOOK_HINT}`);
}

const queue = [...files];
await Promise.all(Array.from({ length: Math.max(1, jobs) }, async () => {
  for (let file = queue.shift(); file; file = queue.shift()) await runFile(file);
}));
console.log(`\n${kind} test files: ${passed} passed, ${failed.length} failed`);
if (failed.length) console.log('failed:\n' + failed.map((f) => '  ' + f).join('\n'));
process.exit(failed.length || files.length === 0 ? 1 : 0);
