/**
 * The UserStore port. Adapters: ./user-store/embedded.ts (one SQLite file under DATA_DIR) and
 * ./user-store/mongo.ts (MongoDB). Both pass ./user-store.contract.ts.
 * Adapters throw AppError('store_unavailable') when the backing store does not answer.
 */
import type { Permission } from '../permissions.ts';

export interface User {
  /**
   * A random id given at creation that is never reused: a token names it, so a token of a deleted user never
   * works for a new user of the same name. Records from before it existed get one on their first read.
   */
  id: string;
  username: string;
  passwordHash: string;
  permissions: Permission[];
  /** Bumped on password change and delete; tokens carry the version they were issued at. */
  tokenVersion: number;
  createdAt: string;
}

/** A user as the API shows one (list-users, create-user): never the hash or the token version. */
export type UserSummary = Pick<User, 'username' | 'permissions' | 'createdAt'>;

/** Who a user is and what they may do, as whoami, login (`user`) and grant- and revoke-permission answer. */
export type UserPermissions = Pick<User, 'username' | 'permissions'>;

/** A user to create: the store gives it its id unless one is given. */
export type NewUser = Omit<User, 'id'> & { id?: string };

/** Refuses (with AppError('last_admin')) a change that would leave nobody holding `keepOneHolderOf`. */
export interface HolderGuard {
  keepOneHolderOf?: Permission;
}

export interface PageQuery {
  limit: number;
  /** The last username of the previous page; none for the first page. */
  after?: string;
}

export interface UserPage {
  users: User[];
  more: boolean;
}

export interface UserStore {
  /** Inserts; throws AppError('user_exists') when the username is taken. */
  create(user: NewUser): Promise<void>;
  get(username: string): Promise<User | null>;
  list(): Promise<User[]>;
  /**
   * Up to `limit` users whose username sorts after `after` (byte order), ascending, read through the
   * username index; `more` tells whether any user follows the last one returned.
   */
  page(query: PageQuery): Promise<UserPage>;
  /**
   * Returns false when there was no such user. With a guard, the check that someone else still holds the
   * permission and the delete are one atomic step, across processes too.
   */
  delete(username: string, guard?: HolderGuard): Promise<boolean>;
  /** Idempotent; returns the user after the change, or null when there is no such user. */
  addPermission(username: string, permission: Permission): Promise<User | null>;
  /** With a guard, atomic like `delete`. */
  removePermission(username: string, permission: Permission, guard?: HolderGuard): Promise<User | null>;
  /** Sets the hash and bumps tokenVersion; returns the new version, or null when there is no such user. */
  setPassword(username: string, passwordHash: string): Promise<number | null>;
  /** Bumps tokenVersion, ending every session of the user; returns the new version, or null when there is no such user. */
  endSessions(username: string): Promise<number | null>;
  /** Usernames holding `permission`. */
  holders(permission: Permission): Promise<string[]>;
  close(): Promise<void>;
}
