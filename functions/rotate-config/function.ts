import { rotateObjectFunction } from '../../lib/secrets/functions.ts';

/** rotate-config: the next version, the services using the config moved to it, the old versions removed once unused. The definition is shared with its secret twin (lib/secrets/functions.ts). */
export const rotateConfig = rotateObjectFunction('config');
