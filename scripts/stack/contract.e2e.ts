/**
 * The end-to-end contract suite (local/contract.suite.ts) against the deployed stack, through the edge over
 * HTTPS. Run by scripts/stack/test.sh after scripts/stack/deploy.sh up, with STACK_URL, ADMIN_PASSWORD and
 * DOCKER_HOST_1 from .cache/stack/stack.env and NODE_EXTRA_CA_CERTS naming the edge's local CA (STACK_CA).
 */
import { contractSuite } from '../../local/contract.suite.ts';

const url = process.env['STACK_URL'];
const adminPassword = process.env['ADMIN_PASSWORD'];
const engine = process.env['DOCKER_HOST_1'];
if (!url || !adminPassword || !engine || !process.env['NODE_EXTRA_CA_CERTS']) {
  console.error('contract.e2e: set STACK_URL, ADMIN_PASSWORD, DOCKER_HOST_1 and NODE_EXTRA_CA_CERTS (scripts/stack/test.sh does)');
  process.exit(1);
}

contractSuite('the stack on three nodes, through the edge (HTTPS)', {}, {
  target: async () => ({ url, adminPassword, stop: async () => {} }),
  dockerSocket: engine.replace(/^unix:\/\//, ''),
}).run();
