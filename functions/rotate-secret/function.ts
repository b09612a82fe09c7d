import { rotateObjectFunction } from '../../lib/secrets/functions.ts';

/** rotate-secret: the next version, the services using the secret moved to it, the old versions removed once unused. The definition is shared with its config twin (lib/secrets/functions.ts). */
export const rotateSecret = rotateObjectFunction('secret');
