import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mongoDatabase } from './mongo.ts';

const test = suite('mongoDatabase');

test('should read the database of a seed list with ports and credentials, or fall back', () => {
  assert.is(mongoDatabase('mongodb://u:p%40w@m1:27017,m2:27017/dashboard?replicaSet=rs0&authSource=admin'), 'dashboard');
  assert.is(mongoDatabase('mongodb://127.0.0.1:37017/'), 'swarm_dashboard');
  assert.is(mongoDatabase('mongodb://db'), 'swarm_dashboard');
  assert.is(mongoDatabase('mongodb+srv://cluster.example.com/events?retryWrites=true'), 'events');
});

test.run();
