export { nameInput as inspectConfigInput } from '../../lib/secrets/schemas.ts';
