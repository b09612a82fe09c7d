import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { foldDiff, formatSpec, hasChanges, lineDiff, parseSpec, specDiff } from './spec-editor.ts';

const spec = { Name: 'web', Labels: { team: 'a' }, TaskTemplate: { ContainerSpec: { Image: 'local/busybox:1', Args: ['sleep', '60'] } } };

const parsing = suite('parseSpec and formatSpec');
parsing('should round-trip a spec through JSON and YAML', () => {
  for (const format of ['json', 'yaml'] as const) {
    const parsed = parseSpec(formatSpec(spec, format), format);
    assert.equal(parsed, { ok: true, spec });
  }
  assert.match(formatSpec(spec, 'yaml'), /^Name: web\n/);
});
parsing('should name the line of a JSON mistake', () => {
  const text = '{\n  "Name": "web",\n  "Labels": {,}\n}';
  const parsed = parseSpec(text, 'json');
  assert.is(parsed.ok, false);
  if (!parsed.ok) assert.is(parsed.line, 3);
});
parsing('should name the line of a YAML mistake', () => {
  const parsed = parseSpec('Name: web\nLabels:\n  team: a\n   bad: [\n', 'yaml');
  assert.is(parsed.ok, false);
  if (!parsed.ok) assert.type(parsed.line, 'number');
});
parsing('should refuse what is not a spec object with a Name', () => {
  for (const [text, format] of [['[1]', 'json'], ['- a', 'yaml'], ['"x"', 'json'], ['{"Labels": {}}', 'json'], ['Name: ""', 'yaml']] as const) {
    const parsed = parseSpec(text, format);
    assert.is(parsed.ok, false, text);
  }
});
parsing('should refuse a spec above the server bound', () => {
  const parsed = parseSpec(JSON.stringify({ Name: 'web', Labels: { big: 'x'.repeat(300 * 1024) } }), 'json');
  assert.is(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.message, /KiB/);
});
parsing.run();

const diff = suite('lineDiff');
diff('should keep common lines and mark removed and added ones in order', () => {
  assert.equal(lineDiff('a\nb\nc\nd', 'a\nc\nx\nd'), [
    { kind: 'same', text: 'a' },
    { kind: 'remove', text: 'b' },
    { kind: 'same', text: 'c' },
    { kind: 'add', text: 'x' },
    { kind: 'same', text: 'd' },
  ]);
});
diff('should find no change for equal texts and reformatting alone', () => {
  assert.not.ok(hasChanges(lineDiff('a\nb', 'a\nb')));
  const reformatted = parseSpec(JSON.stringify(spec), 'json');
  assert.ok(reformatted.ok);
  if (reformatted.ok) assert.not.ok(hasChanges(specDiff(spec, reformatted.spec, 'json')));
});
diff('should show a changed image as one line removed and one added', () => {
  const edited = structuredClone(spec);
  edited.TaskTemplate.ContainerSpec.Image = 'local/busybox:2';
  const changed = specDiff(spec, edited, 'yaml').filter((d) => d.kind !== 'same');
  assert.equal(changed, [
    { kind: 'remove', text: '    Image: local/busybox:1' },
    { kind: 'add', text: '    Image: local/busybox:2' },
  ]);
});
diff('should rebuild the edited text from its same and added lines, and the current from same and removed', () => {
  const a = Array.from({ length: 60 }, (_, i) => `line ${i % 7} ${i % 3}`).join('\n');
  const b = Array.from({ length: 50 }, (_, i) => `line ${i % 5} ${i % 3}`).join('\n');
  const d = lineDiff(a, b);
  assert.is(d.filter((l) => l.kind !== 'add').map((l) => l.text).join('\n'), a);
  assert.is(d.filter((l) => l.kind !== 'remove').map((l) => l.text).join('\n'), b);
});
diff('should fold unchanged lines far from a change', () => {
  const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
  const after = before.replace('l10', 'changed');
  const folded = foldDiff(lineDiff(before, after), 2);
  assert.equal(folded[0], { hidden: 8 });
  assert.equal(folded.at(-1), { hidden: 7 });
  assert.is(folded.length, 1 + 2 + 2 + 2 + 1);
});
diff.run();
