/** Shared by the workers' main.ts: connect at boot with backoff, so a worker started while a server restarts waits. */

/** Calls `connect` until it resolves (delays 0.5 s doubling to 5 s) or `signal` aborts (then resolves undefined). */
export const connectWithRetry = async <T>(
  what: string,
  connect: () => Promise<T>,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<T | undefined> => {
  for (let delay = 500; !signal.aborted; delay = Math.min(delay * 2, 5000)) {
    try {
      return await connect();
    } catch (e) {
      log(`${what} not ready (${e instanceof Error ? e.message : String(e)}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  return undefined;
};
