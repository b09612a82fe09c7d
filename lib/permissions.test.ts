import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { filterFor, grantable, holds, holdsAny, holdsFor, parsePermission, scopeMatches } from './permissions.ts';

const grammar = suite('permission grammar');
grammar('should accept the contract\'s three scope forms on scopable permissions', () => {
  assert.equal(parsePermission('services.write:stack=shop'), { permission: 'services.write', scope: { kind: 'stack', value: 'shop' } });
  assert.equal(parsePermission('services.read:name=shop-*'), { permission: 'services.read', scope: { kind: 'name', glob: 'shop-*' } });
  assert.equal(parsePermission('services.write:label=team=payments'), { permission: 'services.write', scope: { kind: 'label', key: 'team', value: 'payments' } });
  for (const p of ['events.read:stack=a', 'secrets.read:name=db-*', 'secrets.write:stack=a', 'configs.read:label=a.b=c', 'configs.write:name=x', 'services.privileged:stack=a']) {
    assert.ok(parsePermission(p), p);
  }
  assert.equal(parsePermission('users.read'), { permission: 'users.read' });
});
grammar('should refuse scopes elsewhere, unknown kinds, odd characters and overlong strings', () => {
  for (const p of [
    'users.read:stack=a', 'nodes.write:name=x', 'alerts.read:stack=a', 'services.read:', 'services.read:stack=', 'services.read:stack=a b',
    'services.read:stack=a,b', 'services.read:owner=a', 'services.read:label=team', 'services.read:label==x', 'services.read:name=a/b',
    'services.read:stack=shop\n', 'services.read:stack=-x', 'Services.read', `services.read:name=${'a'.repeat(65)}`, 'services.read:stack=a:stack=b',
    `services.read:label=${'k'.repeat(63)}=${'v'.repeat(63)}x`, 'services.read:name=ä',
  ]) {
    assert.is(parsePermission(p), undefined, p);
  }
});

const matching = suite('scope matching');
const svc = (name: string, labels: Record<string, string> = {}) => ({ name, labels });
matching('should match stack by the stack label, name by glob, label by key and value', () => {
  assert.ok(scopeMatches({ kind: 'stack', value: 'shop' }, svc('shop_web', { 'com.docker.stack.namespace': 'shop' })));
  assert.not.ok(scopeMatches({ kind: 'stack', value: 'shop' }, svc('shop_web')), 'a name prefix is not a stack');
  assert.ok(scopeMatches({ kind: 'name', glob: 'shop-*' }, svc('shop-web')));
  assert.not.ok(scopeMatches({ kind: 'name', glob: 'shop-*' }, svc('xshop-web')));
  assert.not.ok(scopeMatches({ kind: 'name', glob: 'shop.web' }, svc('shopxweb')), 'dots are literal');
  assert.ok(scopeMatches({ kind: 'name', glob: 'shop' }, svc('shop')));
  assert.ok(scopeMatches({ kind: 'label', key: 'team', value: 'payments' }, svc('x', { team: 'payments' })));
  assert.not.ok(scopeMatches({ kind: 'label', key: 'team', value: 'payments' }, svc('x', { team: 'pay' })));
  assert.not.ok(scopeMatches({ kind: 'label', key: 'constructor', value: 'x' }, svc('x')));
});
matching('should let the unscoped permission reach everything and scoped ones only their services', () => {
  const scoped = { permissions: ['services.read:name=shop-*', 'services.write:stack=shop'] };
  assert.not.ok(holds(scoped, 'services.read'));
  assert.ok(holdsAny(scoped, 'services.read'));
  assert.not.ok(holdsAny(scoped, 'events.read'));
  assert.ok(holdsFor(scoped, 'services.read', svc('shop-web')));
  assert.not.ok(holdsFor(scoped, 'services.read', svc('bank')));
  assert.not.ok(holdsFor(scoped, 'services.write', svc('shop-web')));
  assert.ok(holdsFor(scoped, 'services.write', svc('shop_web', { 'com.docker.stack.namespace': 'shop' })));
  assert.equal([svc('shop-a'), svc('b'), svc('shop-c')].filter(filterFor(scoped, 'services.read')).map((s) => s.name), ['shop-a', 'shop-c']);
  assert.ok(holdsFor({ permissions: ['services.read'] }, 'services.read', svc('anything')));
  assert.not.ok(holdsAny({ permissions: ['services.read:bogus'] }, 'services.read'));
});
matching('should let a holder grant the same string or a scope of an unscoped permission, nothing wider', () => {
  assert.ok(grantable(['services.write'], 'services.write:stack=shop'));
  assert.ok(grantable(['services.write:stack=shop'], 'services.write:stack=shop'));
  assert.not.ok(grantable(['services.write:stack=shop'], 'services.write'));
  assert.not.ok(grantable(['services.write:stack=shop'], 'services.write:stack=bank'));
  assert.not.ok(grantable(['services.read'], 'services.write:stack=shop'));
});

grammar.run();
matching.run();
