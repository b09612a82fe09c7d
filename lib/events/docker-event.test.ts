import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAppError } from '../errors.ts';
import { formatTimeNano, fromDockerEvent, parseEventLine, parseTimeBound } from './docker-event.ts';

const message = (over: Record<string, unknown> = {}) => ({
  status: 'create',
  id: 'abc',
  from: 'local/busybox:1',
  Type: 'container',
  Action: 'create',
  Actor: { ID: 'abc', Attributes: { name: 'web.1', image: 'local/busybox:1', 'com.docker.swarm.service.name': 'web' } },
  scope: 'local',
  time: 1700000000,
  timeNano: 1700000000123456789,
  ...over,
});

const convert = suite('fromDockerEvent');

convert('should map the engine fields onto the contract Event', () => {
  const e = fromDockerEvent({ ...message(), timeNano: '1700000000123456789' }, 'node-1');
  assert.ok(e);
  assert.is(e.type, 'container');
  assert.is(e.action, 'create');
  assert.is(e.scope, 'local');
  assert.is(e.timeNano, '1700000000123456789');
  assert.is(e.time, '2023-11-14T22:13:20.123456789Z');
  assert.is(e.actor.id, 'abc');
  assert.is(e.actor.attributes.name, 'web.1');
  assert.is(e.node, 'node-1');
  assert.match(e.id, /^[0-9a-f]{64}$/);
});

convert('should give one id whatever the attribute order, the producer node or the redelivery', () => {
  const a = fromDockerEvent({ ...message(), timeNano: '5' }, 'n1');
  const b = fromDockerEvent(
    { ...message(), timeNano: '5', Actor: { ID: 'abc', Attributes: { 'com.docker.swarm.service.name': 'web', image: 'local/busybox:1', name: 'web.1' } } },
    'n2',
  );
  assert.is(a?.id, b?.id);
});

convert('should give different ids to events that share a timeNano', () => {
  const a = fromDockerEvent({ ...message(), timeNano: '5' });
  const b = fromDockerEvent({ ...message(), timeNano: '5', Action: 'start' });
  const c = fromDockerEvent({ ...message(), timeNano: '5', Actor: { ID: 'other', Attributes: {} } });
  assert.is.not(a?.id, b?.id);
  assert.is.not(a?.id, c?.id);
});

convert('should leave the time out of a swarm remove id, which each manager stamps with its own clock', () => {
  const swarmRemove = (t: string) =>
    fromDockerEvent({ Type: 'service', Action: 'remove', scope: 'swarm', timeNano: t, Actor: { ID: 's1', Attributes: { name: 'web' } } });
  assert.is(swarmRemove('1')?.id, swarmRemove('2')?.id);
  const localRemove = (t: string) => fromDockerEvent({ ...message(), Action: 'destroy', timeNano: t });
  assert.is.not(localRemove('1')?.id, localRemove('2')?.id);
});

convert('should default a missing scope to local and accept missing attributes', () => {
  const e = fromDockerEvent({ Type: 'image', Action: 'tag', timeNano: 1, Actor: { ID: 'x' } });
  assert.is(e?.scope, 'local');
  assert.equal(e?.actor.attributes, {});
});

convert('should reject hostile input without throwing', () => {
  const bad: unknown[] = [
    null, undefined, 42, 'text', [], {},
    message({ Type: undefined }), message({ Type: 7 }), message({ Type: '' }), message({ Action: null }),
    message({ Actor: null }), message({ Actor: { ID: 5 } }), message({ Actor: { ID: 'a', Attributes: [] } }),
    message({ Actor: { ID: 'a', Attributes: { k: 1 } } }), message({ scope: 'galaxy' }), message({ scope: 3 }),
    message({ timeNano: undefined }), message({ timeNano: -1 }), message({ timeNano: 1.5 }), message({ timeNano: '12a' }),
    message({ timeNano: '99999999999999999999' }), message({ timeNano: {} }), message({ timeNano: Number.MAX_VALUE }),
  ];
  for (const b of bad) assert.is(fromDockerEvent(b), null, JSON.stringify(b));
});

convert('should keep a real engine line\'s timeNano exact, beyond a JS number\'s precision', () => {
  const line = '{"Type":"service","Action":"create","Actor":{"ID":"x","Attributes":{"name":"web"}},"scope":"swarm","time":1795814469,"timeNano":1795814469055486980}';
  const e = fromDockerEvent(parseEventLine(line));
  assert.is(e?.timeNano, '1795814469055486980');
  assert.is(parseEventLine('{nope'), undefined);
});

convert.run();

const bounds = suite('parseTimeBound');

bounds('should read a decimal nanosecond count', () => {
  assert.is(parseTimeBound('0'), 0n);
  assert.is(parseTimeBound('1700000000123456789'), 1700000000123456789n);
});

bounds('should read RFC 3339 with a fraction and any offset', () => {
  assert.is(parseTimeBound('2023-11-14T22:13:20Z'), 1700000000000000000n);
  assert.is(parseTimeBound('2023-11-14T22:13:20.123456789Z'), 1700000000123456789n);
  assert.is(parseTimeBound('2023-11-14T22:13:20.5Z'), 1700000000500000000n);
  assert.is(parseTimeBound('2023-11-15T00:13:20+02:00'), 1700000000000000000n);
  assert.is(parseTimeBound('2023-11-14T21:13:20.000000001-01:00'), 1700000000000000001n);
});

bounds('should round-trip formatTimeNano', () => {
  assert.is(parseTimeBound(formatTimeNano(1700000000123456789n)), 1700000000123456789n);
});

bounds('should throw validation_failed for anything else', () => {
  for (const v of ['', 'yesterday', '-5', '1.5', '2023-11-14', '2023-02-30T00:00:00Z', '2023-11-14T24:00:00Z',
    '2023-11-14T22:13:20.1234567891Z', '2023-11-14T22:13:20', '99999999999999999999', '1969-12-31T23:59:59Z', ' 5']) {
    try {
      parseTimeBound(v);
      assert.unreachable(v);
    } catch (e) {
      assert.ok(isAppError(e) && e.code === 'validation_failed', v);
    }
  }
});

bounds.run();
