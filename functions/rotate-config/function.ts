import { defineFunction } from '../../lib/http/function-definition.ts';
import { rotatedSchema } from '../../lib/secrets/schemas.ts';
import { rotate } from '../../lib/secrets/versions.ts';
import { rotateConfigInput } from './schema.ts';

/**
 * rotate-config: the next version `<name>.v<N+1>`, every service that used an older one moved to it at the
 * same target (each judged by the policy gate as an update of that service), the old versions removed once unused.
 */
export const rotateConfig = defineFunction({
  name: 'rotate-config',
  summary: 'Rotate a config: new version, services moved to it, old version removed',
  permission: 'configs.write',
  scoped: true,
  readOnly: false,
  input: rotateConfigInput,
  output: rotatedSchema,
  audit: { action: 'config.rotate', target: 'config' },
  async handler({ input, principal, audit }, deps) {
    const result = await rotate(deps, principal, 'config', input.name, input.data);
    audit({ targetId: input.name, after: { version: result.version, services: result.services } });
    return result;
  },
});
