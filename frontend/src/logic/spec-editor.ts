/**
 * The raw spec editor's logic: a Docker ServiceSpec shown as JSON or YAML, parsed back with the line of a
 * mistake, and a line diff (longest common subsequence) of the current spec against the edited one.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export type SpecFormat = 'json' | 'yaml';
export type SpecObject = Record<string, unknown>;

export type ParsedSpec = { ok: true; spec: SpecObject } | { ok: false; message: string; line?: number };

export interface DiffLine {
  kind: 'same' | 'add' | 'remove';
  text: string;
}

/** The server's bound (functions/update-service/schema.ts), checked here to say so before sending. */
export const MAX_SPEC_BYTES = 256 * 1024;

export const formatSpec = (spec: unknown, format: SpecFormat): string =>
  // NOTE: lineWidth 0 keeps YAML from folding long strings (commands, env values) over several lines.
  format === 'json' ? `${JSON.stringify(spec, null, 2)}\n` : stringifyYaml(spec, { lineWidth: 0 });

/** The 1-based line of a character offset. */
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

const jsonErrorLine = (text: string, message: string): number | undefined => {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  return position ? lineAt(text, Number(position[1])) : undefined;
};

/** The edited text as a spec object, or why not (with the line, when the parser tells it). */
export const parseSpec = (text: string, format: SpecFormat): ParsedSpec => {
  let value: unknown;
  try {
    // NOTE: yaml's default core schema turns no timestamps or binaries into objects, so the value is plain JSON.
    value = format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 50 });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const yamlLine = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    const line = format === 'json' ? jsonErrorLine(text, message) : yamlLine;
    return { ok: false, message, ...(line !== undefined ? { line } : {}) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'The spec must be an object ({ … }).' };
  const spec = value as SpecObject;
  if (typeof spec['Name'] !== 'string' || spec['Name'] === '') return { ok: false, message: 'The spec needs its Name.' };
  if (new TextEncoder().encode(JSON.stringify(spec)).length > MAX_SPEC_BYTES) return { ok: false, message: `The spec is larger than ${MAX_SPEC_BYTES / 1024} KiB.` };
  return { ok: true, spec };
};

// Beyond this many cells the LCS table is not built and the changed middle shows as removed, then added.
const MAX_CELLS = 4_000_000;

/** A line diff from `before` to `after`: common prefix and suffix, and an LCS of the middle. */
export const lineDiff = (before: string, after: string): DiffLine[] => {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (lines: string[]): DiffLine[] => lines.map((text) => ({ kind: 'same', text }));
  const head = same(a.slice(0, start));
  const tail = same(a.slice(endA));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_CELLS) {
    return [...head, ...midA.map((text): DiffLine => ({ kind: 'remove', text })), ...midB.map((text): DiffLine => ({ kind: 'add', text })), ...tail];
  }
  // lcs[i][j]: the LCS length of midA[i..] and midB[j..], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = midA[i] === midB[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) {
      middle.push({ kind: 'same', text: midA[i++]! });
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      middle.push({ kind: 'remove', text: midA[i++]! });
    } else {
      middle.push({ kind: 'add', text: midB[j++]! });
    }
  }
  while (i < n) middle.push({ kind: 'remove', text: midA[i++]! });
  while (j < m) middle.push({ kind: 'add', text: midB[j++]! });
  return [...head, ...middle, ...tail];
};

export const hasChanges = (diff: readonly DiffLine[]): boolean => diff.some((d) => d.kind !== 'same');

/**
 * The diff the editor shows: the current spec against the edited one, both written in `format` the same
 * way, so reformatting alone (spacing, key quoting) is no change.
 */
export const specDiff = (current: unknown, edited: SpecObject, format: SpecFormat): DiffLine[] =>
  lineDiff(formatSpec(current, format), formatSpec(edited, format));

/**
 * Unchanged lines far from any change fold away, keeping `context` lines around each change; a fold is an
 * entry `{hidden}` counting the lines it hides.
 */
export const foldDiff = (diff: readonly DiffLine[], context = 3): Array<DiffLine | { hidden: number }> => {
  const near = new Array<boolean>(diff.length).fill(false);
  diff.forEach((d, i) => {
    if (d.kind === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) near[k] = true;
  });
  const out: Array<DiffLine | { hidden: number }> = [];
  let hidden = 0;
  diff.forEach((d, i) => {
    if (near[i]) {
      if (hidden > 0) out.push({ hidden });
      hidden = 0;
      out.push(d);
    } else hidden++;
  });
  if (hidden > 0) out.push({ hidden });
  return out;
};
