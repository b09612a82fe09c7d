import { z } from 'zod';

export const apiTokenSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

export const listApiTokensOutput = z.object({ tokens: z.array(apiTokenSummarySchema) });
