export { createObjectInput as createConfigInput } from '../../lib/secrets/schemas.ts';
