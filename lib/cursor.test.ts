import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from './errors.ts';
import { decodeOpaqueCursor, encodeOpaqueCursor } from './cursor.ts';

const test = suite('opaque cursors');

const readPair = (v: unknown) => (Array.isArray(v) && v.length === 2 ? (v as [unknown, unknown]) : undefined);

test('should give back the value it encoded, as the reader reads it', () => {
  assert.equal(decodeOpaqueCursor(encodeOpaqueCursor(['a', 'b']), readPair), ['a', 'b']);
});

test('should answer validation_failed on cursor for text that is no JSON and for a value the reader refuses', () => {
  for (const cursor of ['%%%', Buffer.from('{not json').toString('base64url'), encodeOpaqueCursor({ u: 'x' }), encodeOpaqueCursor(null)]) {
    try {
      decodeOpaqueCursor(cursor, readPair);
      assert.unreachable(cursor);
    } catch (e) {
      assert.instance(e, AppError);
      assert.is((e as AppError).code, 'validation_failed');
      assert.match(JSON.stringify((e as AppError).details), /cursor/);
    }
  }
});

test.run();
