import { summarize } from '../../lib/auth/api-tokens.ts';
import { defineFunction } from '../../lib/http/function-definition.ts';
import { listApiTokensOutput } from './schema.ts';

/** list-api-tokens: the caller's own tokens, never their secrets (only hashes are stored). */
export const listApiTokens = defineFunction({
  name: 'list-api-tokens',
  summary: "The caller's API tokens",
  permission: 'any',
  readOnly: true,
  input: null,
  output: listApiTokensOutput,
  async handler({ principal }, deps) {
    return { tokens: (await deps.apiTokens.list(principal.username)).map(summarize) };
  },
});
