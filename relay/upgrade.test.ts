import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bearerToken, defaultSince, readHandshake, rejectHandshake } from './upgrade.ts';
import type { Admission, HandshakeOptions, Refusal } from './upgrade.ts';

const NOW = BigInt(Date.UTC(2026, 10, 27, 12)) * 1_000_000n;

const req = (url: string, headers: Record<string, string> = {}): IncomingMessage =>
  ({ url, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) }) as unknown as IncomingMessage;

const options = (over: Partial<HandshakeOptions> = {}): HandshakeOptions & { cookieReads: number } => {
  const o = {
    cookieReads: 0,
    path: '/events',
    closing: () => false,
    isAllowedOrigin: (origin: string | undefined) => origin === 'https://dash.example',
    tokenFromCookie(header: string | undefined) {
      o.cookieReads++;
      return /session=([^;]*)/.exec(header ?? '')?.[1];
    },
    now: () => NOW,
    ...over,
  };
  return o;
};

const refusal = (h: Refusal | Admission): Refusal => {
  assert.ok('status' in h, 'expected a refusal');
  return h as Refusal;
};
const admission = (h: Refusal | Admission): Admission => {
  assert.ok(!('status' in h), `expected an admission, got ${(h as Refusal).status}`);
  return h as Admission;
};

const Handshake = suite('upgrade: readHandshake');

Handshake('should refuse another path with 404 and a malformed target with 400', () => {
  assert.equal(refusal(readHandshake(req('/elsewhere'), options())).status, 404);
  assert.equal(refusal(readHandshake(req('//['), options())).status, 400);
});

Handshake('should refuse with 503 while the relay is closing', () => {
  const r = refusal(readHandshake(req('/events'), options({ closing: () => true })));
  assert.equal([r.status, r.code], [503, 'store_unavailable']);
});

Handshake('should refuse a foreign Origin with 403 whatever the credential, before reading it', () => {
  const o = options();
  const headers = { Origin: 'https://evil.example', Cookie: 'session=tok', Authorization: 'Bearer tok' };
  assert.equal(refusal(readHandshake(req('/events', headers), o)).status, 403);
  const throwing = options({ isAllowedOrigin: () => { throw new Error('boom'); } });
  assert.equal(refusal(readHandshake(req('/events', { Origin: 'https://dash.example' }), throwing)).status, 403);
  assert.is(o.cookieReads, 0);
});

Handshake('should admit a handshake without Origin without asking isAllowedOrigin', () => {
  let asked = 0;
  const o = options({ isAllowedOrigin: () => (asked++, false) });
  assert.equal(admission(readHandshake(req('/events'), o)).token, undefined);
  assert.is(asked, 0);
});

Handshake('should take the Bearer token before the cookie, and never the cookie after a malformed header', () => {
  const o = options();
  assert.is(admission(readHandshake(req('/events', { Authorization: 'bearer  abc ', Cookie: 'session=c' }), o)).token, 'abc');
  assert.is(admission(readHandshake(req('/events', { Authorization: 'Basic dTpw', Cookie: 'session=c' }), o)).token, null);
  assert.is(o.cookieReads, 0);
});

Handshake('should take the session cookie, treat an empty one as none and a throwing reader as malformed', () => {
  const origin = { Origin: 'https://dash.example' };
  assert.is(admission(readHandshake(req('/events', { ...origin, Cookie: 'session=c' }), options())).token, 'c');
  assert.is(admission(readHandshake(req('/events', { Cookie: 'session=' }), options())).token, undefined);
  const throwing = options({ tokenFromCookie: () => { throw new Error('bad cookie'); } });
  assert.is(admission(readHandshake(req('/events', { Cookie: 'x' }), throwing)).token, null);
});

Handshake('should default since to the previous UTC day and read nanoseconds or RFC 3339', () => {
  assert.is(admission(readHandshake(req('/events'), options())).since, defaultSince(NOW));
  assert.is(admission(readHandshake(req('/events?since=1764288000000000001'), options())).since, 1_764_288_000_000_000_001n);
  assert.is(admission(readHandshake(req('/events?since=2025-11-28T00:00:00Z'), options())).since, 1_764_288_000_000_000_000n);
});

Handshake('should carry an unusable since into the connection as an error, not refuse the handshake', () => {
  for (const url of ['/events?since=1&since=2', '/events?since=yesterday']) {
    const since = admission(readHandshake(req(url), options())).since;
    assert.instance(since, Error, url);
  }
});

Handshake.run();

const Parts = suite('upgrade: bearerToken, defaultSince, rejectHandshake');

Parts('should read a Bearer header, null for any other scheme or a token with spaces', () => {
  assert.is(bearerToken(undefined), undefined);
  assert.is(bearerToken('Bearer a.b-c_d'), 'a.b-c_d');
  assert.is(bearerToken('Bearer'), null);
  assert.is(bearerToken('Bearer a b'), null);
  assert.is(bearerToken('Token abc'), null);
});

Parts('should be the start of the previous UTC day', () => {
  const midnight = BigInt(Date.UTC(2026, 10, 27)) * 1_000_000n;
  assert.is(defaultSince(midnight + 1n), midnight - 86_400_000_000_000n);
  assert.is(defaultSince(midnight), midnight - 86_400_000_000_000n);
  assert.is(defaultSince(midnight - 1n), midnight - 2n * 86_400_000_000_000n);
});

Parts('should answer a refusal with the API error body and close the socket', () => {
  let written = '';
  let destroyed = false;
  const socket = { end: (s: string) => void (written = s), destroy: () => void (destroyed = true) } as unknown as Duplex;
  rejectHandshake(socket, { status: 403, reason: 'Forbidden', code: 'forbidden', message: 'Origin not allowed' });
  const [head, body] = written.split('\r\n\r\n');
  assert.ok(head!.startsWith('HTTP/1.1 403 Forbidden\r\n'));
  assert.match(head!, `Content-Length: ${Buffer.byteLength(body!)}`);
  assert.equal(JSON.parse(body!), { error: { code: 'forbidden', message: 'Origin not allowed' } });
  assert.ok(destroyed);
});

Parts.run();
