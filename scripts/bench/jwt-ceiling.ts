/**
 * The ceiling for authenticated reads: a bare Hono route on @hono/node-server that only verifies the
 * JWT with the same jose options as the dashboard. Secret from BENCH_SECRET (base64url), port from PORT.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTokenService } from '../../lib/auth/tokens.ts';

const tokens = createTokenService({ secret: new Uint8Array(Buffer.from(process.env['BENCH_SECRET']!, 'base64url')) });
const app = new Hono();
app.get('/verify', async (c) => {
  const claims = await tokens.verify((c.req.header('authorization') ?? '').slice(7));
  return c.json({ username: claims.username });
});
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env['PORT']) }, () => console.log('ready'));
