export { rotateObjectInput as rotateConfigInput } from '../../lib/secrets/schemas.ts';
