import { z } from 'zod';

export const revokeApiTokenInput = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'a token id as list-api-tokens shows it') }).strict();
