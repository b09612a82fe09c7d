import { deleteObjectFunction } from '../../lib/secrets/functions.ts';

/** delete-config: every version; 409 `in_use` (naming the services) while a service refers to one. The definition is shared with its secret twin (lib/secrets/functions.ts). */
export const deleteConfig = deleteObjectFunction('config');
