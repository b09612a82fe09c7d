/**
 * The client's address, for rate limiting. `X-Forwarded-For` is believed only when the request comes from a
 * trusted proxy: the direct peer with TRUST_PROXY=true, or a peer in TRUSTED_PROXIES. Even then only the
 * entries that trusted proxies appended count, read from the right: the leftmost ones are whatever the caller
 * wrote. With TRUSTED_PROXIES, entries that are themselves trusted proxies are skipped (a chain of them).
 */
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import type { HttpSettings } from '../deps.ts';

const MAX_FORWARDED_ENTRIES = 32;

/** `::ffff:192.0.2.1` is 192.0.2.1. */
const plain = (address: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address);

const blockLists = new WeakMap<string[], BlockList>();
function trustedList(proxies: string[]): BlockList {
  let list = blockLists.get(proxies);
  if (!list) {
    list = new BlockList();
    for (const entry of proxies) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(prefix), family);
    }
    blockLists.set(proxies, list);
  }
  return list;
}

function isTrustedProxy(address: string, settings: HttpSettings): boolean {
  const family = isIP(address);
  if (family === 0 || settings.trustedProxies.length === 0) return false;
  return trustedList(settings.trustedProxies).check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The address a rate limit should count: see the module comment. */
export function clientAddress(c: Context, settings: HttpSettings): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const peer = plain(incoming?.socket?.remoteAddress ?? 'unknown');
  if (!(settings.trustProxy || isTrustedProxy(peer, settings))) return peer;
  const entries = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((e) => plain(e.trim()))
    .filter(Boolean)
    .slice(-MAX_FORWARDED_ENTRIES);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    // NOTE: a proxy in the chain appended this one; the one it got the request from is further left.
    if (i > 0 && isTrustedProxy(entry, settings)) continue;
    return entry.slice(0, 64);
  }
  return peer;
}
