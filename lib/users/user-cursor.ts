/**
 * The list-users cursor: the last username of a page, so the next page starts strictly after it, whatever
 * was created or deleted meanwhile. Opaque to clients (base64url of a tagged JSON value), so its form can
 * change without changing the API.
 */
import { invalidField } from '../errors.ts';

export const DEFAULT_USER_PAGE = 100;
export const MAX_USER_PAGE = 1000;

export const encodeUserCursor = (lastUsername: string): string =>
  Buffer.from(JSON.stringify({ u: lastUsername })).toString('base64url');

/** The username to start after; throws AppError('validation_failed') on `cursor` for anything else. */
export const decodeUserCursor = (cursor: string): string => {
  const invalid = () => invalidField('cursor', 'invalid cursor');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const u = (value as { u?: unknown } | null)?.u;
  if (typeof u !== 'string' || u.length < 1 || u.length > 256) throw invalid();
  return u;
};
