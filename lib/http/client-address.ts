import type { Context } from 'hono';
import type { HttpSettings } from '../deps.ts';

/** The client's address, for rate limiting. Forwarded headers count only behind a trusted proxy. */
export function clientAddress(c: Context, settings: HttpSettings): string {
  if (settings.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
