/**
 * The ceiling for authenticated reads: a bare Hono route on @hono/node-server that only verifies the JWT with
 * jose, with the same options as the dashboard (lib/auth/tokens.ts) and the key imported once. It calls jose on
 * every request: the dashboard's own verified-token memory is not part of a bare route.
 * Secret from BENCH_SECRET (base64url), port from PORT.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { jwtVerify } from 'jose';
import { MAX_TOKEN_TTL_SECONDS, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../lib/auth/tokens.ts';

const secret = new Uint8Array(Buffer.from(process.env['BENCH_SECRET']!, 'base64url'));
const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const app = new Hono();
app.get('/verify', async (c) => {
  const { payload } = await jwtVerify((c.req.header('authorization') ?? '').slice(7), key, {
    algorithms: ['HS256'],
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    typ: 'JWT',
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: MAX_TOKEN_TTL_SECONDS,
  });
  return c.json({ username: payload.sub });
});
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env['PORT']) }, () => console.log('ready'));
