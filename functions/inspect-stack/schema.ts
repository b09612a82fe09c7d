import { z } from 'zod';
import { stackNameSchema } from '../deploy-stack/schema.ts';

export const stackRefInput = z.strictObject({ name: stackNameSchema });
