import { AppError } from '../../lib/errors.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { revokeApiTokenInput } from './schema.ts';

/**
 * revoke-api-token: deletes one of the caller's tokens. The authenticator reads the token store on every request
 * (uncached), so the next request with it is refused on every replica. A token may revoke itself (a CI job
 * cleaning up), but another user's token is "not found": ids of others' tokens are not confirmed.
 */
export const revokeApiToken = defineFunction({
  name: 'revoke-api-token',
  summary: 'Revoke one of your API tokens',
  permission: 'any',
  readOnly: false,
  input: revokeApiTokenInput,
  output: null,
  audit: { action: 'token.revoke', target: 'token' },
  async handler({ input: { id }, principal, audit }, deps) {
    audit({ targetId: id });
    if (!(await deps.apiTokens.revoke(principal.username, id))) throw new AppError('not_found', `You have no API token ${id}`);
  },
});
