/**
 * The paging cursor shared by the EventHistory adapters: the (timeNano, id) of the last event of a page, so
 * the next page starts strictly after it, whatever was appended meanwhile.
 */
import { invalidField } from '../errors.ts';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../cursor.ts';
import type { Event } from './event.ts';
import type { EventQuery } from './event-history.ts';

export interface CursorPosition {
  timeNano: bigint;
  id: string;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 5000;

/** Encodes the position after `event`. */
export const encodeCursor = (event: Pick<Event, 'timeNano' | 'id'>): string => encodeOpaqueCursor([event.timeNano, event.id]);

/** Decodes a cursor; throws AppError('validation_failed') for anything a cursor cannot be. */
export const decodeCursor = (cursor: string): CursorPosition => {
  if (typeof cursor !== 'string' || cursor.length > 400) throw invalidField('cursor', 'invalid cursor');
  return decodeOpaqueCursor(cursor, (value) => {
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [t, id] = value;
    if (typeof t !== 'string' || !/^[0-9]{1,19}$/.test(t) || typeof id !== 'string' || id.length > 200) return undefined;
    return { timeNano: BigInt(t), id };
  });
};

/** The page size for a query: `limit` clamped to 1..MAX_LIMIT, DEFAULT_LIMIT when absent. */
export const pageSize = (query: EventQuery): number => {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
};

/** Orders events ascending by timeNano, then id: the order of every page. */
export const compareEvents = (a: Pick<Event, 'timeNano' | 'id'>, b: Pick<Event, 'timeNano' | 'id'>): number => {
  const ta = BigInt(a.timeNano);
  const tb = BigInt(b.timeNano);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};
