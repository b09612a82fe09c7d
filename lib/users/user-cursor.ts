/**
 * The list-users cursor: the last username of a page, so the next page starts strictly after it, whatever
 * was created or deleted meanwhile. Opaque to clients (base64url of a tagged JSON value), so its form can
 * change without changing the API.
 */
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../cursor.ts';

export const DEFAULT_USER_PAGE = 100;
export const MAX_USER_PAGE = 1000;

export const encodeUserCursor = (lastUsername: string): string => encodeOpaqueCursor({ u: lastUsername });

/** The username to start after; throws AppError('validation_failed') on `cursor` for anything else. */
export const decodeUserCursor = (cursor: string): string =>
  decodeOpaqueCursor(cursor, (value) => {
    const u = (value as { u?: unknown } | null)?.u;
    return typeof u === 'string' && u.length >= 1 && u.length <= 256 ? u : undefined;
  });
