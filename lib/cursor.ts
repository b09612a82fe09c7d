/**
 * Opaque paging cursors: base64url of a JSON value, so their form can change without changing the API. Each
 * list reads its own value out of one; anything else a client sends is 400 validation_failed on `cursor`.
 */
import { invalidField } from './errors.ts';

export const encodeOpaqueCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `read` answers what the cursor's JSON value stands for, or undefined when the value is not one of its cursors. */
export function decodeOpaqueCursor<T>(cursor: string, read: (value: unknown) => T | undefined): T {
  const invalid = () => invalidField('cursor', 'invalid cursor');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const result = read(value);
  if (result === undefined) throw invalid();
  return result;
}
