/**
 * A uvu suite whose tests report a failure the moment it happens and fail after a time limit.
 * uvu prints failure details only when the whole file ends, so a long file that the runner kills for time (the
 * OpenFaaS and fault tests) loses every detail; and one hung await would hold the file until then.
 */
import type { Callback, Test } from 'uvu';

export function eager<T>(test: Test<T>, timeoutMs: number): Test<T> {
  const wrap = (name: string, fn: Callback<T>): Callback<T> => async (context) => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([fn(context), limit]);
    } catch (e) {
      const error = e as Error & { operator?: string; expects?: unknown; actual?: unknown };
      const compared = error.operator ? ` (${error.operator}: expected ${JSON.stringify(error.expects)}, got ${JSON.stringify(error.actual)})` : '';
      console.error(`\n  ✘ ${name}: ${error.message}${compared}`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };
  const eagerTest = ((name: string, fn: Callback<T>) => test(name, wrap(name, fn))) as Test<T>;
  eagerTest.only = (name, fn) => test.only(name, wrap(name, fn));
  eagerTest.skip = test.skip;
  eagerTest.before = test.before;
  eagerTest.after = test.after;
  eagerTest.run = test.run;
  return eagerTest;
}
