/**
 * Chooses the AlertStore (called by the composition root, lib/compose.ts): MongoDB when MONGO_URL is set (the
 * functions and every alerts worker share it), else SQLite `alerts.db` in DATA_DIR (local mode, one process).
 * With `onFirstUse`, MongoDB is connected on the first call: every function replica is composed alike, and the
 * replicas of functions that never read alerts should hold no connection. The alerts worker connects at start,
 * so it fails fast without its store.
 */
import type { AlertStore } from './alert-store.ts';
import { createEmbeddedAlertStore } from './alert-store/embedded.ts';
import { createMongoAlertStore } from './alert-store/mongo.ts';
import { openOnFirstUse } from '../open-on-first-use.ts';

export async function createAlertStore(
  config: { dataDir: string; mongoUrl: string | undefined },
  { onFirstUse = false }: { onFirstUse?: boolean } = {},
): Promise<AlertStore> {
  const url = config.mongoUrl;
  if (!url) return createEmbeddedAlertStore({ dataDir: config.dataDir });
  return onFirstUse ? openOnFirstUse(() => createMongoAlertStore({ url })) : createMongoAlertStore({ url });
}
