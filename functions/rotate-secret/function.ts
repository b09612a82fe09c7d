import { defineFunction } from '../../lib/http/function-definition.ts';
import { rotatedSchema } from '../../lib/secrets/schemas.ts';
import { rotate } from '../../lib/secrets/versions.ts';
import { rotateSecretInput } from './schema.ts';

/**
 * rotate-secret: the next version `<name>.v<N+1>`, every service that used an older one moved to it at the
 * same target (each judged by the policy gate as an update of that service), the old versions removed once unused.
 */
export const rotateSecret = defineFunction({
  name: 'rotate-secret',
  summary: 'Rotate a secret: new version, services moved to it, old version removed',
  permission: 'secrets.write',
  scoped: true,
  readOnly: false,
  input: rotateSecretInput,
  output: rotatedSchema,
  audit: { action: 'secret.rotate', target: 'secret' },
  async handler({ input, principal, audit }, deps) {
    const result = await rotate(deps, principal, 'secret', input.name, input.data);
    audit({ targetId: input.name, after: { version: result.version, services: result.services } });
    return result;
  },
});
