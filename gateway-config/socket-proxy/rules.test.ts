import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAllowed } from './rules.ts';

const test = suite('socket-proxy rules');

test('should allow what the Swarm functions use, with or without a version prefix', () => {
  for (const [method, url] of [
    ['GET', '/_ping'],
    ['GET', '/services?status=true'],
    ['GET', '/v1.41/services/abc123'],
    ['GET', '/services/web/logs?stdout=true&tail=100'],
    ['GET', '/tasks?filters=%7B%7D'],
    ['GET', '/nodes'],
    ['GET', '/networks/host?scope=swarm'],
    ['POST', '/services/create'],
    ['POST', '/services/web/update?version=12'],
    ['DELETE', '/services/web'],
    ['POST', '/v1.41/nodes/n1/update?version=3'],
  ]) assert.ok(isAllowed('functions', method!, url!), `${method} ${url}`);
});

test('should deny containers, exec, images, secrets, swarm and path tricks', () => {
  for (const [method, url] of [
    ['GET', '/containers/json'],
    ['POST', '/containers/create'],
    ['POST', '/containers/x/exec'],
    ['POST', '/exec/x/start'],
    ['GET', '/secrets'],
    ['POST', '/swarm/leave'],
    ['POST', '/images/create?fromImage=x'],
    ['POST', '/build'],
    ['DELETE', '/nodes/n1'],
    ['GET', '/services/../containers/json'],
    ['GET', '/services/%2e%2e/containers/json'],
    ['GET', '/v1.41/plugins'],
    ['PUT', '/services/web'],
    ['GET', '/events'],
  ]) assert.not.ok(isAllowed('functions', method!, url!), `${method} ${url}`);
});

test('should give the events profile the event stream and nothing that writes', () => {
  assert.ok(isAllowed('events', 'GET', '/events?since=1700000000'));
  assert.ok(isAllowed('events', 'GET', '/info'));
  assert.not.ok(isAllowed('events', 'GET', '/services'));
  assert.not.ok(isAllowed('events', 'POST', '/services/create'));
});

test.run();
