import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openApiDocument } from '../lib/openapi.ts';
import { FUNCTIONS } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const names = FUNCTIONS.map((f) => f.name).sort();
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

const test = suite('the function registry');

test('should hold one definition per function folder, named after it and exported as its camel-case name', async () => {
  const folders = readdirSync(here).filter((entry) => statSync(join(here, entry)).isDirectory()).sort();
  assert.equal(names, folders);
  assert.is(new Set(names).size, names.length, 'names are unique');
  for (const definition of FUNCTIONS) {
    const module = (await import(`./${definition.name}/function.ts`)) as Record<string, unknown>;
    assert.is(module[camel(definition.name)], definition, `${definition.name}/function.ts exports ${camel(definition.name)}`);
  }
});

test('should name the same functions as faas.yml, each built from its own folder', () => {
  const faas = readFileSync(join(root, 'faas.yml'), 'utf8');
  const section = faas.slice(faas.indexOf('\nfunctions:'));
  const declared = [...section.matchAll(/^ {2}([a-z][a-z0-9-]*):\s*$/gm)].map((m) => m[1]!).sort();
  assert.equal(declared, names);
  for (const name of names) assert.match(section, new RegExp(`\\n  ${name}:\\n(?:    .*\\n)*?    handler: \\./build/functions/${name}\\n`), `${name}'s handler`);
});

test('should describe the same functions in the OpenAPI document, with GET exactly for the read-only ones', () => {
  const paths = openApiDocument(FUNCTIONS, 'test').paths as Record<string, Record<string, unknown>>;
  assert.equal(Object.keys(paths).sort(), names.map((n) => `/function/${n}`));
  for (const f of FUNCTIONS) {
    assert.equal(Object.keys(paths[`/function/${f.name}`]!).sort(), f.readOnly ? ['get', 'post'] : ['post'], f.name);
  }
});

test('should audit every function that changes state, and only those', () => {
  for (const f of FUNCTIONS) {
    if (f.readOnly) assert.is(f.audit, undefined, `${f.name} is read-only`);
    else if (f.name !== 'login') assert.ok(f.audit, `${f.name} changes state`);
  }
});

test.run();
