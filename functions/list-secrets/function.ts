import { listObjectsFunction } from '../../lib/secrets/functions.ts';

/** list-secrets: one entry per name (its latest version) and the services using any version; never data. The definition is shared with its config twin (lib/secrets/functions.ts). */
export const listSecrets = listObjectsFunction('secret');
