import { mountFunction } from '../../lib/http/mount.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDeps, post, type TestDeps } from '../../testing/deps.ts';
import { whoami } from '../whoami/function.ts';
import { changePassword } from './function.ts';

const test = suite<{ deps: TestDeps }>('change-password', {} as { deps: TestDeps });
test.before.each(async (ctx) => {
  ctx.deps = await createTestDeps();
});
test.after.each(({ deps }) => deps.cleanup());

const me = (deps: TestDeps, authorization: string) => mountFunction(whoami, deps).request('/', { headers: { authorization } });

test('should change the password, answer a new token, and end older tokens', async ({ deps }) => {
  const old = await deps.addUser('bob', [], 'old password 1');
  const res = await mountFunction(changePassword, deps).request('/', post({ currentPassword: 'old password 1', newPassword: 'new password 2' }, { authorization: old.authorization }));
  assert.is(res.status, 200);
  const { token, expiresAt } = await res.json();
  assert.type(expiresAt, 'string');
  assert.match(res.headers.get('set-cookie') ?? '', /^session=/);
  assert.is((await me(deps, old.authorization)).status, 401);
  assert.is((await me(deps, `Bearer ${token}`)).status, 200);
  assert.ok(await deps.passwords.verify((await deps.users.get('bob'))!.passwordHash, 'new password 2'));
});

test('should refuse a wrong current password and a short new one', async ({ deps }) => {
  const bob = await deps.addUser('bob', [], 'old password 1');
  const wrong = await mountFunction(changePassword, deps).request('/', post({ currentPassword: 'nope', newPassword: 'new password 2' }, { authorization: bob.authorization }));
  assert.is(wrong.status, 401);
  assert.is((await wrong.json()).error.code, 'invalid_credentials');
  const short = await mountFunction(changePassword, deps).request('/', post({ currentPassword: 'old password 1', newPassword: 'short' }, { authorization: bob.authorization }));
  assert.is(short.status, 400);
  assert.is((await me(deps, bob.authorization)).status, 200);
});

test('should throttle guesses of the current password, so a stolen session cannot find it', async ({ deps }) => {
  const bob = await deps.addUser('bob', [], 'old password 1');
  const app = mountFunction(changePassword, deps);
  const change = (currentPassword: string, remoteAddress: string) =>
    app.request('/', post({ currentPassword, newPassword: 'new password 2' }, { authorization: bob.authorization }), { incoming: { socket: { remoteAddress } } });
  let checks = 0;
  const verify = deps.passwords.verify;
  deps.passwords.verify = (...args) => (checks++, verify(...args));
  // From changing addresses too: the count is per account.
  const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => (async () => (await change(`guess ${i}`, `192.0.2.${i}`)).status)()));
  assert.ok(checks <= 5, `${checks} checks of the current password`);
  assert.is(statuses.filter((s) => s === 429).length, 50 - checks);
  const limited = await change('old password 1', '192.0.2.200');
  assert.is(limited.status, 429);
  assert.is((await limited.json()).error.code, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.ok(await deps.passwords.verify((await deps.users.get('bob'))!.passwordHash, 'old password 1'), 'the password is unchanged');
});

test.run();
