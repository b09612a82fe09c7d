import { createObjectFunction } from '../../lib/secrets/functions.ts';

/** create-secret: the engine object is `<name>.v1`; the audit keeps the name and labels, never the data. The definition is shared with its config twin (lib/secrets/functions.ts). */
export const createSecret = createObjectFunction('secret');
