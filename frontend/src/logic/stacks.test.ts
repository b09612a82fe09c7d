import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServiceSummary } from '../types.ts';
import { base64ToText, countActions, inStack, parseEnv, stackNames, textToBase64, toBase64 } from './stacks.ts';

const svc = (name: string, stack?: string): ServiceSummary => ({
  id: name, name, image: 'i', mode: 'replicated', replicas: { desired: 1, running: 1 }, ports: [],
  labels: stack ? { 'com.docker.stack.namespace': stack } : {}, createdAt: '', updatedAt: '', version: 1,
});

const logic = suite('stack logic');

logic('should filter by stack, by no stack, or not at all', () => {
  const list = [svc('a', 'shop'), svc('b'), svc('c', 'blog')];
  assert.equal(list.filter((s) => inStack(s, 'shop')).map((s) => s.name), ['a']);
  assert.equal(list.filter((s) => inStack(s, '-')).map((s) => s.name), ['b']);
  assert.equal(list.filter((s) => inStack(s, '')).length, 3);
  assert.equal(stackNames(list), ['blog', 'shop']);
});

logic('should count plan actions', () => {
  assert.equal(countActions([{ action: 'created' }, { action: 'created' }, { action: 'removed' }]), { created: 2, updated: 0, unchanged: 0, removed: 1 });
});

logic('should read KEY=value lines and name the bad ones', () => {
  assert.equal(parseEnv('A=1\n\n# c\nB = x=y\nbad\n1X=2'), { env: { A: '1', B: ' x=y' }, errors: ['line 5: expected KEY=value', 'line 6: expected KEY=value'] });
});

logic('should round-trip text and bytes through base64', () => {
  assert.is(textToBase64('héllo'), Buffer.from('héllo').toString('base64'));
  assert.is(base64ToText(textToBase64('héllo ✓')), 'héllo ✓');
  const big = new Uint8Array(100_000).map((_, i) => i % 256);
  assert.is(toBase64(big), Buffer.from(big).toString('base64'));
});
logic.run();
