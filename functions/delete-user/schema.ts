import { z } from 'zod';
import { usernameRefSchema } from '../../lib/users/schemas.ts';

export const deleteUserInput = z.object({ username: usernameRefSchema }).strict();
