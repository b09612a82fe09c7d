import { deleteObjectFunction } from '../../lib/secrets/functions.ts';

/** delete-secret: every version; 409 `in_use` (naming the services) while a service refers to one. The definition is shared with its config twin (lib/secrets/functions.ts). */
export const deleteSecret = deleteObjectFunction('secret');
