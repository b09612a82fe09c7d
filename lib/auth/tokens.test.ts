import { SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTokenService, TOKEN_AUDIENCE } from './tokens.ts';

const secret = new Uint8Array(32).fill(7);
const claims = { username: 'alice', accountId: 'acc-1', tokenVersion: 3 };

/** Counts HMAC verifications, the expensive step a remembered token skips. */
const countVerifies = () => {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.verify.bind(subtle);
  const counter = { calls: 0, restore: () => void (subtle.verify = original) };
  subtle.verify = ((...args: Parameters<SubtleCrypto['verify']>) => (counter.calls++, original(...args))) as SubtleCrypto['verify'];
  return counter;
};

const rejects = async (p: Promise<unknown>, message: RegExp) => {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, message);
    assert.is((e as { code?: string }).code, 'unauthenticated');
    return;
  }
  assert.unreachable('should have been refused');
};

const test = suite('session tokens');

test('should check the signature of a token once, and answer the same claims after', async () => {
  const tokens = createTokenService({ secret });
  const { token } = await tokens.issue(claims);
  const counter = countVerifies();
  try {
    const first = await tokens.verify(token);
    const second = await tokens.verify(token);
    assert.equal(second, first);
    assert.is(first.username, 'alice');
    assert.is(counter.calls, 1);
  } finally {
    counter.restore();
  }
});

test('should still refuse a remembered token once it expired, and past the session end', async () => {
  let clock = Date.parse('2026-12-02T12:00:00Z');
  const tokens = createTokenService({ secret, ttlSeconds: 60, sessionMaxSeconds: 120, now: () => clock });
  const { token } = await tokens.issue(claims);
  await tokens.verify(token);
  clock += 59_999;
  await tokens.verify(token);
  clock += 1;
  await rejects(tokens.verify(token), /expired/i);
  // A renewal of the same session: accepted until the session's end, then refused even from memory.
  const renewed = await tokens.issue({ ...claims, sessionStartedAt: Math.floor(clock / 1000) - 60 });
  await tokens.verify(renewed.token);
  clock += 59_999;
  await tokens.verify(renewed.token);
  clock += 1;
  await rejects(tokens.verify(renewed.token), /expired|lifetime/i);
});

test('should refuse a token with a changed signature or payload even when the original is remembered', async () => {
  const tokens = createTokenService({ secret });
  const { token } = await tokens.issue(claims);
  await tokens.verify(token);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
  await rejects(tokens.verify(`${header}.${payload}.${flipped}`), /invalid/i);
  const body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...body, sub: 'root' })).toString('base64url');
  await rejects(tokens.verify(`${header}.${forged}.${signature}`), /invalid/i);
});

test('should refuse a token of another issuer signed with the same secret', async () => {
  const tokens = createTokenService({ secret });
  const iat = Math.floor(Date.now() / 1000);
  const other = await new SignJWT({ ver: 3, uid: 'acc-1', sst: iat })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('alice').setIssuer('someone-else').setAudience(TOKEN_AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + 60)
    .sign(secret);
  await rejects(tokens.verify(other), /invalid/i);
});

test.run();
