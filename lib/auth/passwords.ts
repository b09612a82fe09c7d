/**
 * Password hashing with Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1), on the libuv pool.
 * `verify` of an unknown user runs against a dummy hash so both answers take the same time.
 */
import { hash, verify } from '@node-rs/argon2';

// NOTE: @node-rs/argon2 exports Algorithm as an ambient const enum; 2 is Argon2id.
const ARGON2ID = 2;

export const ARGON2_PARAMS = {
  algorithm: ARGON2ID,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against `encoded`, or against a dummy hash when `encoded` is null; false then. */
  verify(encoded: string | null, password: string): Promise<boolean>;
}

export function createPasswordHasher(params: typeof ARGON2_PARAMS = ARGON2_PARAMS): PasswordHasher {
  // Made at once, so that even the first unknown user costs one hash, not two.
  const dummy = hash('not-a-password-' + Math.random(), params);
  const dummyHash = () => dummy;
  return {
    hash: (password) => hash(password, params),
    async verify(encoded, password) {
      if (encoded === null) {
        await verify(await dummyHash(), password).catch(() => false);
        return false;
      }
      try {
        return await verify(encoded, password);
      } catch {
        return false;
      }
    },
  };
}
