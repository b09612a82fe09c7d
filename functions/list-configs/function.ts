import { listObjectsFunction } from '../../lib/secrets/functions.ts';
import { COMPOSE_RECORD_LABEL } from '../../lib/stacks/stacks.ts';

/**
 * list-configs: one entry per name (its latest version) and the services using any version; the stacks' own
 * records of their files are left out; never data. The definition is shared with list-secrets (lib/secrets/functions.ts).
 */
export const listConfigs = listObjectsFunction('config', (c) => c.labels[COMPOSE_RECORD_LABEL] === 'true');
