export { objectListingSchema as configListingSchema } from '../../lib/secrets/schemas.ts';
