/**
 * A command line split into words as a POSIX shell splits it: single and double quotes and backslashes, nothing
 * expanded. The server reads Compose files' string commands with it (lib/stacks/mapping.ts) and the SPA the
 * service form's command and args (frontend/src/logic/service-form.ts), so the two split alike. Pure and
 * dependency-free: the SPA bundles it (scripts/check-layers.ts, docs/architecture.md).
 */

/** The words, and the quote left open at the end (`null` when the line closes every quote). */
export function scanShellWords(line: string): { words: string[]; openQuote: '"' | "'" | null } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return { words, openQuote: quote };
}
