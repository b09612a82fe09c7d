export { createObjectInput as createSecretInput } from '../../lib/secrets/schemas.ts';
