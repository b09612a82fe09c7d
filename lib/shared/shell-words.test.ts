import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scanShellWords } from './shell-words.ts';

const test = suite('scanShellWords');

test('should split on white space outside quotes and honour backslashes', () => {
  assert.equal(scanShellWords(`sh -c 'echo "a b"' x\\ y "q\\"t" ''`), { words: ['sh', '-c', 'echo "a b"', 'x y', 'q"t', ''], openQuote: null });
});

test('should keep the last word of a line that leaves a quote open and name the quote', () => {
  // NOTE: the Compose mapping takes the words as they are; the service form refuses the line (splitWords).
  assert.equal(scanShellWords(`echo 'oops x`), { words: ['echo', 'oops x'], openQuote: "'" });
  assert.equal(scanShellWords(`echo "`), { words: ['echo', ''], openQuote: '"' });
});

test.run();
