import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deliveryId, ruleFires, type AlertEvent } from './alert.ts';

const event = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  id: 'e1', kind: 'task.failed', time: '2026-01-01T00:00:01.123456789Z', stack: 'shop', service: 'shop_web', node: 'n1', nodeName: 'worker-1', detail: {}, ...over,
});
const rule = (over: Partial<Parameters<typeof ruleFires>[0]> = {}) => ({ on: ['task.failed' as const], match: {}, createdAt: '2026-01-01T00:00:00.000Z', ...over });

const fires = suite('ruleFires');

fires('should fire for its kinds only', () => {
  assert.ok(ruleFires(rule(), event()));
  assert.not.ok(ruleFires(rule(), event({ kind: 'node.down' })));
  assert.ok(ruleFires(rule({ on: ['node.down', 'task.failed'] }), event({ kind: 'node.down' })));
});

fires('should match stack, service and node exactly or by * glob, node by id or hostname', () => {
  assert.ok(ruleFires(rule({ match: { stack: 'shop', service: 'shop_*', node: 'worker-*' } }), event()));
  assert.ok(ruleFires(rule({ match: { node: 'n1' } }), event()));
  assert.not.ok(ruleFires(rule({ match: { stack: 'sho' } }), event()));
  assert.not.ok(ruleFires(rule({ match: { service: 'shop_w.b' } }), event()));
  assert.not.ok(ruleFires(rule({ match: { stack: 'shop' } }), event({ stack: undefined })));
  assert.not.ok(ruleFires(rule({ match: { node: 'n2' } }), event()));
});

fires('should not fire for events older than the rule (nanosecond times included)', () => {
  assert.not.ok(ruleFires(rule({ createdAt: '2026-01-01T00:00:02.000Z' }), event()));
  assert.ok(ruleFires(rule({ createdAt: '2026-01-01T00:00:01.123Z' }), event()));
});

fires('should give one delivery id per rule and event', () => {
  assert.is(deliveryId('r1', 'e1'), deliveryId('r1', 'e1'));
  assert.is.not(deliveryId('r1', 'e1'), deliveryId('r2', 'e1'));
  assert.is.not(deliveryId('r1', 'e1'), deliveryId('r1', 'e2'));
});

fires.run();
