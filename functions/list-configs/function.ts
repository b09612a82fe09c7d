import { listObjectsFunction } from '../../lib/secrets/functions.ts';

/** list-configs: one entry per name (its latest version) and the services using any version; the stacks' own records of their files are left out; never data. The definition is shared with its secret twin (lib/secrets/functions.ts). */
export const listConfigs = listObjectsFunction('config');
