/**
 * The layout's "nevers", checked on the import graph: every import/export-from (and dynamic import) of every
 * .ts/.tsx file in the repo, read with the TypeScript parser (no regexes), against four rules:
 *
 *   lib-independent     a file under lib/ never imports from functions/, local/, relay/ or workers/
 *   functions-no-io     a file under functions/ (its *.test.ts files aside) never imports a driver (dockerode,
 *                       mongodb, cassandra-driver, kafkajs, nats, better-sqlite3) nor an adapter module
 *                       (lib/swarm/docker*.ts, lib/users/user-store/, lib/users/invalidations/,
 *                       lib/events/event-bus/, lib/events/event-history/, lib/alerts/alert-store/) nor a
 *                       composition root (lib/compose.ts, lib/{users,events,alerts}/compose.ts)
 *   frontend-types-only a file of the SPA (frontend/src, tests aside) imports repo code from outside frontend/ only as types
 *                       (`import type`, `export type`, or `import { type A, type B }` with every name a type);
 *                       packages (solid-js, …) are not repo code and are allowed. The one exception is lib/shared/,
 *                       pure code both sides run (the permission list, the shell-word splitter) so that it is
 *                       written once; the SPA bundles it, so a file there imports nothing for more than its types
 *                       but other files of lib/shared/ (no package, no other repo code)
 *   workers-no-process  under workers/, only the entry points (main.ts) and the tests touch `process.`
 *
 * Usage: node --import tsx scripts/check-layers.ts [root]
 * Prints one line a violation (file:line rule: what), then the plain line "N passed, M failed" over the four
 * rules; exits 1 when a rule is broken.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const RULES = ['lib-independent', 'functions-no-io', 'frontend-types-only', 'workers-no-process'] as const;
export type Rule = (typeof RULES)[number];

export interface Violation {
  file: string; // relative to the root, with forward slashes
  line: number; // 1-based
  rule: Rule;
  message: string;
}

export interface LayerReport {
  files: number;
  violations: Violation[];
  passed: Rule[];
  failed: Rule[];
}

const SKIP_DIRS = new Set(['node_modules', '.cache', 'dist', 'build', '.git']);
const DRIVERS = new Set(['dockerode', 'mongodb', 'cassandra-driver', 'kafkajs', 'nats', 'better-sqlite3']);
const APP_FOLDERS = ['functions', 'local', 'relay', 'workers'];
const ADAPTERS: RegExp[] = [
  /^lib\/swarm\/docker[^/]*$/,
  /^lib\/users\/user-store(\/|$)/,
  /^lib\/users\/invalidations(\/|$)/,
  /^lib\/events\/event-bus(\/|$)/,
  /^lib\/events\/event-history(\/|$)/,
  /^lib\/alerts\/alert-store(\/|$)/,
  /^lib\/(users\/|events\/|alerts\/)?compose(\.[cm]?[jt]sx?)?$/,
];
const isTest = (file: string) => /\.test\.tsx?$/.test(file);
/** Pure modules the SPA may import for their values: they import no package and nothing outside this folder. */
const SHARED = 'lib/shared';

/** One import or re-export of a file: where it points and whether it is type-only. */
export interface ImportRef {
  specifier: string;
  line: number;
  typeOnly: boolean;
}

export function listSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && /\.tsx?$/.test(entry.name)) {
        out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(root);
  return out.sort();
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // import 'x': runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false; // a default import
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return false; // a namespace import
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  if (!clause || !ts.isNamedExports(clause)) return false; // export * (as ns) from
  return clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** The imports of one source text, and the lines where it reads `process.` (or `process[…]`). */
export function scan(fileName: string, text: string): { imports: ImportRef[]; processLines: number[] } {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const imports: ImportRef[] = [];
  const processLines: number[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), typeOnly: isTypeOnlyImport(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), typeOnly: isTypeOnlyExport(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
      && ts.isStringLiteral(node.moduleReference.expression)) {
      imports.push({ specifier: node.moduleReference.expression.text, line: lineOf(node), typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) imports.push({ specifier: arg.text, line: lineOf(node), typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      imports.push({ specifier: node.argument.literal.text, line: lineOf(node), typeOnly: true });
    } else if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node))
      && ts.isIdentifier(node.expression) && node.expression.text === 'process') {
      processLines.push(lineOf(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, processLines: [...new Set(processLines)] };
}

/** A repo path (relative to the root, forward slashes) for a relative specifier; null for a package. */
function resolveRepoPath(root: string, file: string, specifier: string): string | null {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return null;
  const abs = specifier.startsWith('/') ? specifier : resolve(root, dirname(file), specifier);
  return relative(root, abs).split(sep).join('/');
}

/** The package a bare specifier names: `mongodb/lib/x` → mongodb, `@scope/pkg/x` → @scope/pkg. */
function packageName(specifier: string): string {
  const name = specifier.replace(/^node:/, '');
  const parts = name.split('/');
  return name.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const under = (path: string, folder: string) => path === folder || path.startsWith(folder + '/');

export function checkLayers(root: string): LayerReport {
  const files = listSourceFiles(root);
  const violations: Violation[] = [];
  for (const file of files) {
    const inLib = under(file, 'lib');
    const inFunctions = under(file, 'functions') && !isTest(file);
    // The SPA's shipped code; its tests may drive the server (e2e) or compare with it.
    const inFrontend = under(file, 'frontend/src') && !isTest(file);
    const inWorkerLoop = under(file, 'workers') && !isTest(file) && !/(^|\/)main\.tsx?$/.test(file);
    const inShared = under(file, SHARED) && !isTest(file);
    if (!inLib && !inFunctions && !inFrontend && !inWorkerLoop) continue;
    const { imports, processLines } = scan(file, readFileSync(join(root, file), 'utf8'));
    const add = (line: number, rule: Rule, message: string) => violations.push({ file, line, rule, message });
    for (const ref of imports) {
      const target = resolveRepoPath(root, file, ref.specifier);
      if (inLib && target) {
        const app = APP_FOLDERS.find((f) => under(target, f));
        if (app) add(ref.line, 'lib-independent', `imports ${ref.specifier} (${app}/)`);
      }
      if (inFunctions) {
        if (target === null && DRIVERS.has(packageName(ref.specifier))) add(ref.line, 'functions-no-io', `imports the driver ${ref.specifier}`);
        if (target && ADAPTERS.some((re) => re.test(target))) add(ref.line, 'functions-no-io', `imports the adapter ${target}`);
      }
      if (inFrontend && target && !under(target, 'frontend') && !under(target, SHARED) && !ref.typeOnly) {
        add(ref.line, 'frontend-types-only', `imports ${ref.specifier} (outside frontend/) for more than its types`);
      }
      if (inShared && !ref.typeOnly && (target === null || !under(target, SHARED))) {
        add(ref.line, 'frontend-types-only', `imports ${ref.specifier}; ${SHARED}/ is bundled into the SPA, so it imports only ${SHARED}/`);
      }
      if (inWorkerLoop && target === null && packageName(ref.specifier) === 'process') {
        add(ref.line, 'workers-no-process', `imports ${ref.specifier}; only main.ts touches process`);
      }
    }
    if (inWorkerLoop) for (const line of processLines) add(line, 'workers-no-process', 'uses process; only main.ts touches process');
  }
  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const broken = new Set(violations.map((v) => v.rule));
  return { files: files.length, violations, passed: RULES.filter((r) => !broken.has(r)), failed: RULES.filter((r) => broken.has(r)) };
}

export function formatReport(report: LayerReport): string {
  const lines = report.violations.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.message}`);
  lines.push(`${report.passed.length} passed, ${report.failed.length} failed`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
  const report = checkLayers(root);
  console.log(formatReport(report));
  process.exit(report.failed.length ? 1 : 0);
}
