/**
 * A store that connects on its first call instead of at start: every function replica is built by the same
 * composition root, and most never touch some stores (only the alert functions use the alert store), so they
 * should not each hold a connection to it. A failed open is retried on the next call.
 */
type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

export function openOnFirstUse<T extends AsyncMethods<T> & { close(): Promise<void> }>(open: () => Promise<T>): T {
  let opened: Promise<T> | undefined;
  const connect = () =>
    (opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
  return new Proxy({} as T, {
    get(_, key) {
      // NOTE: not a thenable, or `await` on the store would call this.
      if (key === 'then' || typeof key === 'symbol') return undefined;
      if (key === 'close') {
        return async () => {
          const store = await opened?.catch(() => undefined);
          opened = undefined;
          await store?.close();
        };
      }
      return async (...args: unknown[]) => {
        const store = await connect();
        return (store[key as keyof T] as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      };
    },
  });
}
