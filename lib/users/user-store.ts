/**
 * The UserStore port. Adapters: ./user-store/embedded.ts (one SQLite file under DATA_DIR) and
 * ./user-store/mongo.ts (MongoDB). Both pass ./user-store.contract.ts.
 * Adapters throw AppError('store_unavailable') when the backing store does not answer.
 */
import type { Permission } from '../permissions.ts';

export interface User {
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

export interface UserStore {
  /** Inserts; throws AppError('user_exists') when the username is taken. */
  create(user: User): Promise<void>;
  get(username: string): Promise<User | null>;
  list(): Promise<User[]>;
  /** Returns false when there was no such user. */
  delete(username: string): Promise<boolean>;
  /** Idempotent; returns the user after the change, or null when there is no such user. */
  addPermission(username: string, permission: Permission): Promise<User | null>;
  removePermission(username: string, permission: Permission): Promise<User | null>;
  /** Sets the hash and bumps tokenVersion; returns the new version, or null when there is no such user. */
  setPassword(username: string, passwordHash: string): Promise<number | null>;
  /** Bumps tokenVersion, ending every session of the user; returns the new version, or null when there is no such user. */
  endSessions(username: string): Promise<number | null>;
  /** Usernames holding `permission`. */
  holders(permission: Permission): Promise<string[]>;
  close(): Promise<void>;
}
