/**
 * The test's DNS for the stack's public name: `node --import ./scripts/stack/resolve.ts` makes dns.lookup answer
 * STACK_RESOLVE (name=address[,name=address…]) from the map, as a real DNS record for DOMAIN would point at the
 * edge node. Everything else resolves as usual. fetch() then connects to the edge with the name as TLS SNI,
 * which is what Caddy picks the certificate by.
 */
import dns from 'node:dns';

const map = new Map(
  (process.env['STACK_RESOLVE'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);
type Callback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
const original = dns.lookup;
const lookup = (hostname: string, options: unknown, callback?: unknown): void => {
  const address = map.get(hostname);
  const cb = (typeof options === 'function' ? options : callback) as Callback;
  if (!address) return (original as (...a: unknown[]) => void)(hostname, options, callback);
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  process.nextTick(() => (all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4)));
};
(dns as { lookup: unknown }).lookup = lookup;
