import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reported } from './hooks.ts';

test('should print a failing hook\'s error, then throw it on', async () => {
  const printed: string[] = [];
  const original = console.error;
  console.error = (m: string) => void printed.push(m);
  try {
    const hook = reported('the setup', async () => {
      throw new Error('no running gateway task');
    });
    await hook({}).then(
      () => assert.unreachable('the error must go on'),
      (e: Error) => assert.is(e.message, 'no running gateway task'),
    );
  } finally {
    console.error = original;
  }
  assert.is(printed.length, 1);
  assert.match(printed[0]!, /^the setup failed: Error: no running gateway task/);
});

test('should pass the context through and stay quiet when the hook works', async () => {
  const ctx = { n: 0 };
  await reported('the setup', (c: typeof ctx) => void (c.n += 1))(ctx);
  assert.is(ctx.n, 1);
});

test.run();
