export { rotateObjectInput as rotateSecretInput } from '../../lib/secrets/schemas.ts';
