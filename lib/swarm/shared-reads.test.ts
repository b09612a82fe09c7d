import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shared } from './shared-reads.ts';

const test = suite('shared reads');

test('should let concurrent requests share calls, each answered by a call started after it arrived', async () => {
  let calls = 0;
  const starts: number[] = [];
  const release: Array<() => void> = [];
  const read = shared(() => {
    const n = ++calls;
    starts.push(n);
    return new Promise<number>((resolve) => release.push(() => resolve(n)));
  });
  const first = read();
  const second = read();
  const third = read();
  assert.is(calls, 1);
  release.shift()!();
  assert.is(await first, 1);
  await new Promise((r) => setTimeout(r, 0));
  assert.is(calls, 2, 'the waiters share one later call');
  release.shift()!();
  assert.is(await second, 2);
  assert.is(await third, 2);
  const fourth = read();
  assert.is(calls, 3);
  release.shift()!();
  assert.is(await fourth, 3);
});

test('should pass errors to the requests of that call only', async () => {
  let n = 0;
  const read = shared(async () => {
    if (++n === 1) throw new Error('engine down');
    return n;
  });
  const a = read();
  const b = read();
  assert.is(await a.then(() => 'resolved', (e: Error) => e.message), 'engine down');
  assert.is(await b, 2);
});

test.run();
