import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ago, clock, detailLines } from './format.ts';
import { visibleRange } from './virtual.ts';
import { mayChange, touchesUser } from './permissions.ts';

const details = suite('detailLines');
details('should list each broken policy rule with its path', () => {
  assert.equal(
    detailLines([
      { rule: 'bind_mount', path: 'TaskTemplate.ContainerSpec.Mounts[0]', message: 'bind mounts need services.privileged' },
      { rule: 'host_network', path: 'TaskTemplate.Networks[0]', message: 'host networking' },
    ]),
    ['bind_mount · TaskTemplate.ContainerSpec.Mounts[0]: bind mounts need services.privileged', 'host_network · TaskTemplate.Networks[0]: host networking'],
  );
});
details('should read validation fields, plain strings and objects', () => {
  assert.equal(detailLines([{ field: 'replicas', message: 'Too big' }]), ['replicas: Too big']);
  assert.equal(detailLines(['one', 'two']), ['one', 'two']);
  assert.equal(detailLines({ name: 'taken' }), ['name: taken']);
  assert.equal(detailLines({ rules: ['x'] }), ['x']);
  assert.equal(detailLines(undefined), []);
});
details.run();

const time = suite('ago and clock');
time('should say how long ago, coarsening with age', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  assert.is(ago('2026-01-10T11:59:50Z', now), '10 s ago');
  assert.is(ago('2026-01-10T11:00:00Z', now), '1 h ago');
  assert.is(ago('2026-01-08T12:00:00Z', now), '2 d ago');
  assert.is(ago('2025-12-01T00:00:00Z', now), '2025-12-01');
  assert.is(ago('garbage', now), '—');
  assert.is(clock('2026-01-10T11:59:50.123Z'), '11:59:50.123');
});
time.run();

const virtual = suite('visibleRange');
virtual('should render the rows in view plus overscan, clamped', () => {
  assert.equal(visibleRange(0, 300, 30, 10_000, 5), { start: 0, end: 16 });
  assert.equal(visibleRange(3000, 300, 30, 10_000, 5), { start: 95, end: 116 });
  assert.equal(visibleRange(1e9, 300, 30, 100, 5), { start: 94, end: 100 });
  assert.equal(visibleRange(0, 300, 30, 0), { start: 0, end: 0 });
});
virtual('should move the window in chunks, so small scrolls change nothing', () => {
  const at = (top: number) => visibleRange(top, 300, 30, 10_000, 5, 10);
  assert.equal(at(0), { start: 0, end: 25 });
  assert.equal(at(290), at(0));
  assert.equal(at(300), { start: 5, end: 35 });
  for (const top of [0, 123, 4567, 299_000]) {
    const r = at(top);
    const first = Math.floor(top / 30);
    assert.ok(r.start <= first && r.end >= Math.min(10_000, first + 11), `rows in view are rendered at ${top}`);
  }
});
virtual.run();

const perms = suite('permissions');
perms('should allow changing only permissions one holds, with users.write', () => {
  const me = { username: 'a', permissions: ['users.write', 'services.read'] as const };
  assert.ok(mayChange({ ...me, permissions: [...me.permissions] }, 'services.read'));
  assert.not.ok(mayChange({ ...me, permissions: [...me.permissions] }, 'nodes.write'));
  assert.not.ok(mayChange({ username: 'b', permissions: ['services.read'] }, 'services.read'));
  assert.not.ok(mayChange(null, 'services.read'));
});
perms('should spot audit events that target the user', () => {
  assert.ok(touchesUser({ username: 'admin', target: 'user:bob' }, 'bob'));
  assert.ok(touchesUser({ 'target.type': 'user', 'target.id': 'bob' }, 'bob'));
  assert.not.ok(touchesUser({ username: 'bob', target: 'service:web' }, 'bob'));
});
perms.run();
