import { generateApiToken, hashApiToken } from '../../lib/auth/api-tokens.ts';
import { AppError } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { grantable } from '../../lib/permissions.ts';
import { createApiTokenInput, createdApiTokenSchema, DEFAULT_TOKEN_DAYS } from './schema.ts';

/**
 * create-api-token: a token for automation, shown once. It may carry only permissions the caller holds (the
 * same string or its unscoped form, as for grants); on every request it is capped again by the owner's current
 * permissions. A token cannot create tokens: a leaked one must not be able to outlive its own revocation.
 */
export const createApiToken = defineFunction({
  name: 'create-api-token',
  summary: 'Create an API token for automation (shown once)',
  permission: 'any',
  readOnly: false,
  input: createApiTokenInput,
  output: createdApiTokenSchema,
  status: 201,
  audit: { action: 'token.create', target: 'token' },
  async handler({ input: { name, permissions, expiresInDays }, principal, audit }, deps) {
    if (principal.apiToken) throw new AppError('forbidden', 'An API token cannot create API tokens; log in as the user');
    const missing = permissions.filter((p) => !grantable(principal.permissions, p));
    if (missing.length > 0) {
      throw new AppError('forbidden', `A token cannot carry permissions you do not hold: ${missing.join(', ')}`, { details: { permissions: missing } });
    }
    const owner = await deps.users.get(principal.username);
    if (!owner) throw new AppError('unauthenticated', 'Session ended; log in again');
    const { token, id } = generateApiToken();
    const now = deps.now();
    const expiresAt = new Date(now.getTime() + (expiresInDays ?? DEFAULT_TOKEN_DAYS) * 86_400_000).toISOString();
    await deps.apiTokens.create(
      { id, name, owner: owner.username, accountId: owner.id, permissions: [...new Set(permissions)], createdAt: now.toISOString(), expiresAt, lastUsedAt: null },
      hashApiToken(token),
    );
    // The audit names the token by id; the secret is never recorded.
    audit({ targetId: id, after: { name, permissions, expiresAt } });
    return { id, name, token, expiresAt };
  },
});
