import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Me } from '../types.ts';
import { canAny, canFor, mayGrant, scopedOf, scopedPermission, scopeError } from './permissions.ts';

const me = (...permissions: string[]): Me => ({ username: 'u', permissions: permissions as Me['permissions'] });

const field = suite('scope field');

field('should build a scoped permission string from a valid field, and nothing from an invalid one', () => {
  assert.is(scopedPermission('services.write', 'stack', ' shop '), 'services.write:stack=shop');
  assert.is(scopedPermission('services.read', 'name', 'shop-*'), 'services.read:name=shop-*');
  assert.is(scopedPermission('secrets.read', 'label', 'team=payments'), 'secrets.read:label=team=payments');
  assert.is(scopedPermission('services.write', 'stack', 'a b'), null);
  assert.is(scopedPermission('services.write', 'label', 'team'), null);
  assert.is(scopedPermission('users.write', 'stack', 'shop'), null, 'users.* takes no scope');
});

field('should say what is wrong with a scope value', () => {
  assert.is(scopeError('stack', ''), 'A scope needs a value.');
  assert.match(scopeError('stack', '-x') ?? '', /stack name/);
  assert.match(scopeError('name', 'shop/*') ?? '', /glob/);
  assert.match(scopeError('label', 'team') ?? '', /key=value/);
  assert.is(scopeError('label', 'team=payments'), null);
  assert.is(scopeError('name', 'x'.repeat(64)), null);
  assert.ok(scopeError('name', 'x'.repeat(65)));
});

field('should offer a grant only of the same string or a scope of an unscoped permission held, with users.write', () => {
  assert.ok(mayGrant(me('users.write', 'services.write'), 'services.write:stack=shop'));
  assert.ok(mayGrant(me('users.write', 'services.write:stack=shop'), 'services.write:stack=shop'));
  assert.not.ok(mayGrant(me('users.write', 'services.write:stack=shop'), 'services.write:stack=bank'));
  assert.not.ok(mayGrant(me('users.write', 'services.write:stack=shop'), 'services.write'));
  assert.not.ok(mayGrant(me('services.write'), 'services.write:stack=shop'));
});

field('should open pages for any form of a permission and allow actions only where a scope matches', () => {
  const scoped = me('services.read:stack=shop', 'services.write:name=shop-*');
  assert.ok(canAny(scoped, 'services.read'));
  assert.not.ok(canAny(scoped, 'events.read'));
  assert.not.ok(canAny(me('services.readx'), 'services.read'));
  assert.ok(canFor(scoped, 'services.write', { name: 'shop-web', labels: {} }));
  assert.not.ok(canFor(scoped, 'services.write', { name: 'bank', labels: { 'com.docker.stack.namespace': 'shop' } }));
  assert.ok(canFor(scoped, 'services.read', { name: 'x', labels: { 'com.docker.stack.namespace': 'shop' } }));
  assert.ok(canFor(me('secrets.read:label=team=pay'), 'secrets.read', { name: 'k', labels: { team: 'pay' } }));
  assert.ok(canFor(me('services.write'), 'services.write', { name: 'any', labels: {} }));
  assert.not.ok(canFor(null, 'services.read', { name: 'any', labels: {} }));
  assert.equal(scopedOf(['services.read', 'services.write:stack=b', 'events.read:stack=a']), ['events.read:stack=a', 'services.write:stack=b']);
});

field.run();
