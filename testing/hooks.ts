/**
 * uvu 0.5 swallows an error thrown by a `before` or `after` hook: the suite prints "(0 / N)" and nothing else,
 * so a stack run that failed in its setup says only that it failed. `reported` prints the error, then throws it
 * on (the suite still counts its tests as not passed).
 */
export const reported =
  <T>(what: string, hook: (ctx: T) => unknown) =>
  async (ctx: T): Promise<void> => {
    try {
      await hook(ctx);
    } catch (e) {
      console.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      throw e;
    }
  };
