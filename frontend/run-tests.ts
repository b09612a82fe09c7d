/**
 * Runs every uvu test file under frontend/src (`*.test.ts`, `*.test.tsx`), each in its own Node process,
 * and fails when any fails. Browser tests (frontend/e2e/*.int.test.ts) are run by `npm test` instead.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : /\.test\.tsx?$/.test(d.name) && !d.name.includes('.int.') ? [join(dir, d.name)] : [],
  );

const files = walk(join(root, 'src')).sort();
const only = process.argv.slice(2);
let failed = 0;
for (const file of files) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', cwd: join(root, '..') });
  if (result.status !== 0) {
    failed += 1;
    console.error(`FAILED: ${relative(root, file)}`);
  }
}
console.log(`\n${files.length - failed}/${files.length} frontend test files passed`);
process.exit(failed ? 1 : 0);
