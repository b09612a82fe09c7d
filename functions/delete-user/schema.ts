import { z } from 'zod';

export const deleteUserInput = z.object({ username: z.string().min(1).max(64) }).strict();
