import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBody, isAllowed } from './rules.ts';

const test = suite('socket-proxy rules');

test('should allow what the Swarm functions use, with or without a version prefix', () => {
  for (const [method, url] of [
    ['GET', '/_ping'],
    ['GET', '/services?status=true'],
    ['GET', '/v1.41/services/abc123'],
    ['GET', '/services/web/logs?stdout=true&tail=100'],
    ['GET', '/services/web/logs?stdout=true&stderr=true&timestamps=true&details=true&follow=true&tail=200'], // service-logs follow
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
    ['POST', '/secrets/s1/update'],
    ['POST', '/volumes/create'],
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

test('should give the events profile the event stream and the resync lists, and nothing that writes', () => {
  assert.ok(isAllowed('events', 'GET', '/events?since=1700000000'));
  assert.ok(isAllowed('events', 'GET', '/info'));
  // The producer's list-then-watch (workers/producer/resync.ts, rollout-watch.ts, task history); the stack's
  // producer got 403 for these and never resynced.
  for (const path of ['/services?status=true', '/nodes', '/tasks?filters=%7B%7D']) assert.ok(isAllowed('events', 'GET', path), path);
  for (const path of ['/services/abc', '/services/abc/logs', '/containers/json', '/secrets', '/configs']) {
    assert.not.ok(isAllowed('events', 'GET', path), path);
  }
  assert.not.ok(isAllowed('events', 'POST', '/services/create'));
  assert.not.ok(isAllowed('events', 'POST', '/services/abc/update'));
});

const body = suite('socket-proxy request bodies');

body('should refuse services that pass for an OpenFaaS function or the dashboard itself', () => {
  for (const labels of [{ function: 'true' }, { 'com.openfaas.function': 'login' }, { 'dashboard.system': 'true' }]) {
    assert.ok(checkBody('POST', '/services/create', { Name: 'x', Labels: labels }), JSON.stringify(labels));
    assert.ok(checkBody('POST', '/services/web/update', { Name: 'x', TaskTemplate: { ContainerSpec: { Labels: labels } } }), JSON.stringify(labels));
  }
  assert.is(checkBody('POST', '/services/create', { Name: 'x', Labels: { team: 'a' }, TaskTemplate: { ContainerSpec: { Image: 'i' } } }), undefined);
});

body('should let node updates change only name, labels, role and availability', () => {
  assert.is(checkBody('POST', '/nodes/n1/update', { Availability: 'drain', Labels: {}, Role: 'worker' }), undefined);
  assert.ok(checkBody('POST', '/nodes/n1/update', { Availability: 'active', JoinTokens: {} }));
});

body('should create only plain overlay networks, and secrets and configs without drivers or templates', () => {
  assert.is(checkBody('POST', '/networks/create', { Name: 'shop_default', Driver: 'overlay', Labels: { a: 'b' } }), undefined);
  for (const network of [{ Name: 'n', Driver: 'bridge' }, { Name: 'n', Driver: 'overlay', Attachable: true }, { Name: 'n', Driver: 'overlay', Ingress: true }, { Name: 'n', Driver: 'overlay', ConfigFrom: { Network: 'x' } }, { Name: 'n', Driver: 'overlay', Options: { encrypted: '' } }]) {
    assert.ok(checkBody('POST', '/networks/create', network), JSON.stringify(network));
  }
  assert.is(checkBody('POST', '/secrets/create', { Name: 's.v1', Data: 'YQ==', Labels: {} }), undefined);
  assert.ok(checkBody('POST', '/secrets/create', { Name: 's.v1', Data: 'YQ==', Driver: { Name: 'vault' } }));
  assert.ok(checkBody('POST', '/configs/create', { Name: 'c.v1', Data: 'YQ==', Templating: { Name: 'golang' } }));
});

body('should refuse a write whose body is not a JSON object', () => {
  for (const value of [undefined, null, [], 'x', 3]) assert.ok(checkBody('POST', '/services/create', value), String(value));
  assert.is(checkBody('GET', '/services', undefined), undefined);
});

body.run();
