import { defineFunction } from '../../lib/http/function-definition.ts';
import { deleteAccount } from '../../lib/users/rules.ts';
import { deleteUserInput } from './schema.ts';

/** delete-user: the user's tokens die with it (the authenticator finds no user). */
export const deleteUser = defineFunction({
  name: 'delete-user',
  summary: 'Delete a user',
  permission: 'users.write',
  readOnly: false,
  input: deleteUserInput,
  output: null,
  audit: { action: 'user.delete', target: 'user' },
  async handler({ input: { username }, principal }, deps) {
    await deleteAccount(principal, username, deps.users);
  },
});
