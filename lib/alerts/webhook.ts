/**
 * Webhooks: the SSRF guard, the signature and one POST. A URL must be http(s) and every address its host
 * resolves to must be public (global unicast), unless `allowPrivate` (ALERT_WEBHOOK_ALLOW_PRIVATE=true). The
 * check runs when a rule is created and again for every attempt; at send time the connection goes to the very
 * addresses that were checked (the request's `lookup` resolves, checks and hands them over), so a DNS answer
 * that changes between check and connect (rebinding) cannot reach a private address. Redirects are not
 * followed: a 3xx is a failed attempt, so a public URL cannot bounce the request inward.
 */
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from '../errors.ts';

export interface WebhookSettings {
  /** ALERT_WEBHOOK_ALLOW_PRIVATE: allow loopback, private and link-local targets (tests, trusted networks). */
  allowPrivate: boolean;
  /** One attempt's deadline (connect and answer). Default 5000 ms. */
  timeoutMs: number;
  /** Attempts per delivery, the first included. Default 5. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, at most 5 minutes. Default 1000 ms. */
  backoffMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { allowPrivate: false, timeoutMs: 5000, attempts: 5, backoffMs: 1000 };

type Lookup = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;
const systemLookup: Lookup = (hostname, callback) => dnsLookup(hostname, { all: true, verbatim: true }, callback);

// Everything that is not global unicast: "this network", private, shared (CGNAT), loopback, link-local,
// IETF protocol assignments, documentation, benchmarking, multicast, reserved, broadcast; and for IPv6 the
// unspecified and loopback addresses, unique-local, link-local, site-local, multicast, documentation.
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (an IP literal) is a public, global unicast address. */
export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address inside.
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPublicAddress(mapped[1]!);
  const hexMapped = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return !blocked.check(lower, 'ipv6');
};

/** The reason a webhook target is refused; thrown by the check as 400 validation_failed on `webhook.url`. */
const refuse = (message: string) => new AppError('validation_failed', message, { details: [{ field: 'webhook.url', message }] });

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Parses and checks the URL's form: http or https, no credentials. Throws AppError('validation_failed'). */
export const parseWebhookUrl = (raw: string): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must be an http or https URL');
  if (url.username || url.password) throw refuse('must not carry credentials; the signature authenticates the sender');
  return url;
};

/** The addresses `host` resolves to, each checked; throws AppError('validation_failed') when any is not public. */
const resolveChecked = (host: string, allowPrivate: boolean, lookup: Lookup): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => {
    const family = isIP(host);
    const checked = (addresses: LookupAddress[]) => {
      if (addresses.length === 0) return reject(refuse(`${host} does not resolve`));
      const inner = addresses.find((a) => !isPublicAddress(a.address));
      if (inner && !allowPrivate) {
        return reject(refuse(`${host} resolves to ${inner.address}, a loopback, private or link-local address (ALERT_WEBHOOK_ALLOW_PRIVATE=true allows it)`));
      }
      resolve(addresses);
    };
    if (family) return checked([{ address: host, family }]);
    lookup(host, (error, addresses) => (error ? reject(refuse(`${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? error.message})`)) : checked(addresses)));
  });

/** `sha256=<hex HMAC-SHA256 of body with secret>`: the X-Dashboard-Signature header's value. */
export const signature = (body: string, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface WebhookAnswer {
  ok: boolean;
  /** The receiver's status, when it answered. */
  status?: number;
  /** Why the attempt failed. */
  error?: string;
  /** False when another attempt cannot help: the target is refused, or the receiver said 4xx (not 408/429). */
  retryable: boolean;
}

export interface WebhookClient {
  readonly settings: WebhookSettings;
  /** Throws AppError('validation_failed', details on `webhook.url`) when the URL may not be a target. */
  check(url: string): Promise<void>;
  /** One signed POST of `body`; never throws. */
  post(url: string, body: string, secret: string, headers?: Record<string, string>): Promise<WebhookAnswer>;
}

export const createWebhookClient = (settings: Partial<WebhookSettings> = {}, options: { lookup?: Lookup } = {}): WebhookClient => {
  const all: WebhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS, ...settings };
  const lookup = options.lookup ?? systemLookup;
  return {
    settings: all,
    async check(raw) {
      await resolveChecked(hostOf(parseWebhookUrl(raw)), all.allowPrivate, lookup);
    },
    async post(raw, body, secret, headers = {}) {
      let url: URL;
      let addresses: LookupAddress[];
      try {
        url = parseWebhookUrl(raw);
        addresses = await resolveChecked(hostOf(url), all.allowPrivate, lookup);
      } catch (e) {
        return { ok: false, error: `refused: ${(e as Error).message}`, retryable: false };
      }
      return new Promise<WebhookAnswer>((resolve) => {
        const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
              'user-agent': 'swarm-dashboard-alerts',
              'x-dashboard-signature': signature(body, secret),
              ...headers,
            },
            // The connection goes to the addresses checked above, never to a second DNS answer.
            lookup: ((_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
              if (opts?.all) callback(null, addresses);
              else callback(null, addresses[0]!.address, addresses[0]!.family);
            }) as unknown as LookupFunction,
            timeout: all.timeoutMs,
          },
          (response: IncomingMessage) => {
            response.resume();
            response.on('end', () => {
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) return resolve({ ok: true, status, retryable: false });
              const retryable = status >= 500 || status === 408 || status === 429;
              resolve({ ok: false, status, error: `HTTP ${status}`, retryable });
            });
            response.on('error', (e) => resolve({ ok: false, status: response.statusCode, error: e.message, retryable: true }));
          },
        );
        const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${all.timeoutMs} ms`)), all.timeoutMs);
        request.on('close', () => clearTimeout(deadline));
        request.on('timeout', () => request.destroy(new Error(`no answer within ${all.timeoutMs} ms`)));
        request.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ? `${e.code}: ${e.message}` : e.message, retryable: true }));
        request.end(body);
      });
    },
  };
};
