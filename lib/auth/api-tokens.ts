/**
 * API tokens for automation (contract 1.1): opaque secrets `sdt_<43 base64url chars>` (256 random bits) that a
 * CI job sends as `Authorization: Bearer sdt_…`. Only the SHA-256 of a token is stored.
 *
 * Why a plain SHA-256 and not Argon2id like passwords: the secret is 256 uniformly random bits, so guessing
 * from a leaked hash is as hard as guessing the token itself (2^256); a slow hash only protects low-entropy
 * secrets. A fast hash also keeps the per-request check cheap and lets the hash be the lookup key.
 *
 * The port: ./api-token-store/embedded.ts (SQLite, local mode) and ./api-token-store/mongo.ts (the cluster), both
 * held to ./api-token-store.contract.ts. Lookups are not cached: a revoke is a delete, so it holds on every
 * replica on the next request; the owner's permissions come through the user store's cache, whose NATS
 * invalidations carry grants and revokes to every replica (lib/users/permission-cache.ts).
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'sdt_';
/** The prefix and 32 bytes in base64url (43 characters, no padding). */
export const API_TOKEN_PATTERN = /^sdt_[A-Za-z0-9_-]{43}$/;

/** Last use is written at most this often per token, so a busy token costs one read per request, not a write. */
export const LAST_USE_INTERVAL_MS = 60_000;

export interface ApiToken {
  /** Public id (list, revoke); never the secret. */
  id: string;
  name: string;
  /** The owner's username and account id: a token of a deleted user never works for a new user of that name. */
  owner: string;
  accountId: string;
  /** What the token may do at most; the owner's current permissions cap it on every request. */
  permissions: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

/** A token as list-api-tokens shows it. */
export type ApiTokenSummary = Pick<ApiToken, 'id' | 'name' | 'permissions' | 'createdAt' | 'expiresAt' | 'lastUsedAt'>;

export interface ApiTokenStore {
  /** Stores a token under the hash of its secret. */
  create(token: ApiToken, hash: string): Promise<void>;
  /** The token stored under `hash`, or null. */
  findByHash(hash: string): Promise<ApiToken | null>;
  /** An owner's tokens, oldest first. */
  list(owner: string): Promise<ApiToken[]>;
  /** Deletes the owner's token `id`; false when the owner has no such token. */
  revoke(owner: string, id: string): Promise<boolean>;
  /** Sets lastUsedAt unless it is already later than `at - LAST_USE_INTERVAL_MS`. */
  touch(id: string, at: string): Promise<void>;
  close(): Promise<void>;
}

export const isApiToken = (token: string): boolean => token.startsWith(API_TOKEN_PREFIX);

export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A fresh secret and its public id. */
export function generateApiToken(): { token: string; id: string } {
  return { token: `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`, id: randomBytes(12).toString('hex') };
}

export const summarize = ({ id, name, permissions, createdAt, expiresAt, lastUsedAt }: ApiToken): ApiTokenSummary => ({
  id,
  name,
  permissions,
  createdAt,
  expiresAt,
  lastUsedAt,
});
