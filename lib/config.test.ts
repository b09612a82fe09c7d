import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.ts';
import { createTokenService } from './auth/tokens.ts';

const test = suite<{ dir: string }>('config and secrets', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'config-'));
});
test.after.each(({ dir }) => rmSync(dir, { recursive: true, force: true }));

test('should use the contract defaults', ({ dir }) => {
  const config = loadConfig({ DATA_DIR: dir });
  assert.is(config.port, 8080);
  assert.is(config.host, '127.0.0.1');
  assert.is(config.adminUsername, 'admin');
  assert.is(config.adminPassword, undefined);
  assert.is(config.tokenTtlSeconds, 900);
});

test('should generate a 256-bit signing secret into DATA_DIR with mode 0600, once', ({ dir }) => {
  const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
  assert.is(first.length, 32);
  assert.is(statSync(join(dir, 'jwt-secret')).mode & 0o777, 0o600);
  assert.equal(loadConfig({ DATA_DIR: dir }).jwtSecret, first);
});

test('should fail the boot with a clear message for a missing or short secret file', ({ dir }) => {
  assert.throws(() => loadConfig({ DATA_DIR: dir, JWT_SECRET_FILE: join(dir, 'nope') }), /Cannot read the JWT secret/);
  writeFileSync(join(dir, 'short'), Buffer.alloc(16, 1).toString('base64url'));
  assert.throws(() => loadConfig({ DATA_DIR: dir, JWT_SECRET_FILE: join(dir, 'short') }), /at least 32 bytes/);
});

test('should read the admin password from ADMIN_PASSWORD_FILE', ({ dir }) => {
  writeFileSync(join(dir, 'pw'), 'from a file\n');
  assert.is(loadConfig({ DATA_DIR: dir, ADMIN_PASSWORD_FILE: join(dir, 'pw') }).adminPassword, 'from a file');
  assert.throws(() => loadConfig({ DATA_DIR: dir, ADMIN_PASSWORD_FILE: join(dir, 'missing') }), /ADMIN_PASSWORD_FILE/);
});

test('should refuse a bad port, a token lifetime over 15 minutes and a short key', ({ dir }) => {
  assert.throws(() => loadConfig({ DATA_DIR: dir, PORT: 'http' }), /PORT/);
  const secret = new Uint8Array(32);
  assert.throws(() => createTokenService({ secret, ttlSeconds: 901 }), /lifetime/);
  assert.throws(() => createTokenService({ secret: new Uint8Array(31) }), /256 bits/);
});

test.run();
