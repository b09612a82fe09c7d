export { nameInput as deleteConfigInput } from '../../lib/secrets/schemas.ts';
