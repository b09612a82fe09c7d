export { objectListingSchema as secretListingSchema } from '../../lib/secrets/schemas.ts';
