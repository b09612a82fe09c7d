import type { IncomingMessage } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { HttpSettings } from '../lib/deps.ts';
import { handshakeCookieToken } from './attach.ts';

const test = suite('relay handshake cookie');

const handshake = (headers: Record<string, string>) => ({ headers: { host: 'dash.example', ...headers }, url: '/events' }) as unknown as IncomingMessage;
const settings = (trustProxy: boolean): HttpSettings => ({ allowedOrigins: [], trustProxy, trustedProxies: [] });

test('should read over HTTPS only the __Host- cookie, never a plain session cookie (cookie tossing)', () => {
  const req = handshake({ 'x-forwarded-proto': 'https' });
  assert.is(handshakeCookieToken('session=tossed', req, settings(true)), undefined);
  assert.is(handshakeCookieToken('session=tossed; __Host-session=real', req, settings(true)), 'real');
});

test('should read the plain session cookie over HTTP, and not believe X-Forwarded-Proto without TRUST_PROXY', () => {
  assert.is(handshakeCookieToken('session=plain', handshake({}), settings(false)), 'plain');
  assert.is(handshakeCookieToken('session=plain', handshake({ 'x-forwarded-proto': 'https' }), settings(false)), 'plain');
});

test.run();
