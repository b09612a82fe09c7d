import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');
const block = (from: number) => {
  let depth = 0;
  for (let i = css.indexOf('{', from); i < css.length; i++) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}' && --depth === 0) return css.slice(from, i + 1);
  }
  throw new Error('unclosed block');
};
const properties = (text: string) => new Set([...text.matchAll(/(--[a-z-]+)\s*:/g)].map((m) => m[1]!));

const dark = suite('dark mode');

dark('should follow the system setting and redefine every colour of the light palette', () => {
  const at = css.indexOf('@media (prefers-color-scheme: dark)');
  assert.ok(at >= 0, 'a prefers-color-scheme: dark block');
  const darkBlock = block(at);
  assert.match(darkBlock, /color-scheme:\s*dark/);
  const light = properties(block(css.indexOf(':root')));
  light.delete('--mono');
  const redefined = properties(darkBlock);
  assert.equal([...light].filter((p) => !redefined.has(p)), [], 'every light colour has a dark value');
});

dark('should use no light surface colour outside the palette', () => {
  const rules = css.replace(block(css.indexOf(':root')), '').replace(block(css.indexOf('@media (prefers-color-scheme: dark)')), '');
  // Light surfaces (white and the near-white greys and tints) would stay bright in dark mode.
  const bright = (hex: string) => {
    const full = hex.length === 4 ? [...hex.slice(1)].map((c) => c + c).join('') : hex.slice(1);
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! > 0.8;
  };
  const light = [...rules.matchAll(/background(?:-color)?:\s*(#[0-9a-f]{6}|#[0-9a-f]{3})\b/gi)].filter((m) => bright(m[1]!)).map((m) => m[0]);
  assert.equal(light, []);
});

dark.run();
