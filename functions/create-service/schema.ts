export { serviceInputSchema as createServiceInput } from '../../lib/swarm/service-input.ts';
