import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorText } from './process.ts';

test('should give an error with the chain of its causes', () => {
  const root = new Error('Server selection timed out after 10000 ms');
  const e = new Error('The user store does not answer', { cause: root });
  assert.is(errorText(e), 'The user store does not answer: caused by: Server selection timed out after 10000 ms');
  assert.is(errorText(new Error('alone')), 'alone');
  assert.is(errorText('a string'), 'a string');
});

test('should stop at four levels of causes, so a cycle cannot loop', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.is(errorText(b).split(': caused by: ').length, 4);
});

test.run();
