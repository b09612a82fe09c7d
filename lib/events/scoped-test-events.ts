/** Events about services in and out of a scope, for the scoped events.read tests (functions and relay). */
import { eventId, formatTimeNano } from './docker-event.ts';
import type { Event } from './event.ts';

const STACK = 'com.docker.stack.namespace';

/** The services the fixtures are about: `shop_web` in stack shop, `bank_api` in stack bank, `pay` labelled team=payments. */
export const SCOPED_SERVICES: Array<{ id: string; name: string; labels: Record<string, string> }> = [
  { id: 'svc-shop', name: 'shop_web', labels: { [STACK]: 'shop' } },
  { id: 'svc-bank', name: 'bank_api', labels: { [STACK]: 'bank' } },
  { id: 'svc-pay', name: 'pay', labels: { team: 'payments' } },
];

const event = (timeNano: bigint, type: string, action: string, actorId: string, attributes: Record<string, string>, scope: Event['scope'] = 'swarm'): Event => {
  const base = { timeNano: timeNano.toString(), type, action, actor: { id: actorId, attributes }, scope };
  return { id: eventId(base), time: formatTimeNano(timeNano), ...base };
};

/** One event of each kind, in time order from `t0`, named by what it is about. */
export function scopedEvents(t0: bigint): Record<string, Event> {
  let t = t0;
  const next = () => (t += 1_000_000_000n);
  return {
    shopService: event(next(), 'service', 'update', 'svc-shop', { name: 'shop_web' }),
    bankService: event(next(), 'service', 'update', 'svc-bank', { name: 'bank_api' }),
    shopContainer: event(next(), 'container', 'start', 'c1', { 'com.docker.swarm.service.id': 'svc-shop', 'com.docker.swarm.service.name': 'shop_web', [STACK]: 'shop' }, 'local'),
    bankContainer: event(next(), 'container', 'die', 'c2', { 'com.docker.swarm.service.id': 'svc-bank', 'com.docker.swarm.service.name': 'bank_api', [STACK]: 'bank' }, 'local'),
    payTask: event(next(), 'task', 'running', 't1', { serviceId: 'svc-pay', serviceName: 'pay' }),
    node: event(next(), 'node', 'update', 'n1', { name: 'node-1' }),
    bankAudit: event(next(), 'audit', 'service.update', 'alice', { username: 'alice', 'target.type': 'service', 'target.id': 'svc-bank', target: 'service:svc-bank', result: 'success' }, 'audit'),
    shopStackAudit: event(next(), 'audit', 'stack.deploy', 'alice', { username: 'alice', 'target.type': 'stack', 'target.id': 'shop', target: 'stack:shop', result: 'success' }, 'audit'),
    userAudit: event(next(), 'audit', 'user.grant', 'alice', { username: 'alice', 'target.type': 'user', 'target.id': 'bob', target: 'user:bob', result: 'success' }, 'audit'),
  };
}
