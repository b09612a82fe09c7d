export { nameInput as deleteSecretInput } from '../../lib/secrets/schemas.ts';
